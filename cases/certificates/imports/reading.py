"""Reading a results file (.xlsx or .csv) row by row, streamed, whatever its size; and the rows the
REST API receives as JSON (a list of objects keyed by the template's columns), read the same way."""

import csv
import io
import json

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Reading the file


class UnreadableFile(Exception):
    pass


def sniff_format(uploaded) -> str:
    """'xlsx', 'json' or 'csv' from the content, or ValidationError (old .xls, PDFs, images...)."""
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        return "json"  # a template's first cell is a column name, never "["
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(_("Old Excel (.xls) files are not supported: save the sheet as .xlsx or CSV."))
    if b"\x00" in head or not head.strip():
        raise ValidationError(_("Upload the results as an Excel (.xlsx) or CSV file."))
    return "csv"


def _csv_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030: what Excel on a Chinese Windows saves CSV in."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        # Incremental, so that a character cut at the end of the sample does not count as an error.
        import codecs

        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


class Table:
    """The rows of an uploaded file, streamed: (line number, tuple of cell values)."""

    def __init__(self, fileobj, file_format: str):
        self.fileobj = fileobj
        self.format = file_format
        self.total: int | None = None
        self._workbook = None

    def rows(self):
        if self.format == "xlsx":
            yield from self._xlsx_rows()
        elif self.format == "json":
            yield from self._json_rows()
        else:
            yield from self._csv_rows()

    def _json_rows(self):
        """A header made of every key used (in order of first use) at line 0, then row n at line n."""
        self.fileobj.seek(0)
        try:
            rows = json.loads(self.fileobj.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            raise UnreadableFile(error.__class__.__name__) from error
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise UnreadableFile("not a list of objects")
        header = list(dict.fromkeys(key for row in rows for key in row))
        self.total = len(rows)
        yield 0, tuple(header)
        for line, row in enumerate(rows, start=1):
            yield line, tuple(row.get(key) for key in header)

    def _xlsx_rows(self):
        try:
            self._workbook = openpyxl.load_workbook(self.fileobj, read_only=True, data_only=True)
            sheet = self._workbook.worksheets[0]
            max_row = sheet.max_row
            self.total = max_row if isinstance(max_row, int) and max_row > 1 else None
            rows = sheet.iter_rows(values_only=True)
            yield from enumerate(rows, start=1)
        except UnreadableFile:
            raise
        except Exception as error:  # zip, XML and openpyxl errors: all mean "not a usable workbook"
            raise UnreadableFile(error.__class__.__name__) from error
        finally:
            if self._workbook is not None:
                self._workbook.close()

    def _csv_rows(self):
        self.fileobj.seek(0)
        head = self.fileobj.read(65536)
        encoding = _csv_encoding(head)
        self.fileobj.seek(0)
        self.total = sum(chunk.count(b"\n") for chunk in iter(lambda: self.fileobj.read(1 << 20), b"")) or None
        self.fileobj.seek(0)
        text = io.TextIOWrapper(self.fileobj, encoding=encoding, newline="", errors="strict")
        try:
            dialect = csv.Sniffer().sniff(head.decode(encoding, errors="ignore")[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            yield from enumerate(csv.reader(text, dialect), start=1)
        except (UnicodeDecodeError, csv.Error) as error:
            raise UnreadableFile(error.__class__.__name__) from error
        finally:
            text.detach()
