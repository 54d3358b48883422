"""Uploads are parsed for real (PDF and images), refused early when too large, and their names cleaned."""

import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from PIL import Image
from PIL.TiffImagePlugin import IFDRational
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from cases.applications.simulation import TINY_PDF
from cases.common.uploads import check_pdf, check_upload, clean_filename
from cases.inspections.exif import photo_metadata
from cases.inspections.photos import photo_check
from tests.inspections.fixtures import photo_bytes


def _upload(data: bytes, name="file.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _pdf(change=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _javascript(writer):
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
    )


def _page_javascript(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x()")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})


def _launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _huge_png(width=30000, height=30000) -> bytes:
    """A valid PNG header announcing width x height pixels, with a few compressed rows (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 8)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


# PDFs


def test_a_plain_pdf_is_accepted_with_its_page_count():
    assert check_upload(_upload(_pdf()))[0] == "application/pdf"
    assert check_pdf(io.BytesIO(TINY_PDF)) == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_javascript, id="javascript-on-open"),
        pytest.param(_page_javascript, id="javascript-on-page-open"),
        pytest.param(lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00"), id="embedded-file"),
        pytest.param(_launch, id="launch-action"),
    ],
)
def test_pdfs_with_active_content_are_refused(change):
    with pytest.raises(ValidationError, match="scripts"):
        check_upload(_upload(_pdf(change)))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n<html><script>alert(document.cookie)</script></html>\n", id="html-with-pdf-magic"),
        pytest.param(b"%PDF-1.4\n" + b"\x00" * 100, id="magic-then-nothing"),
        pytest.param(TINY_PDF[: len(TINY_PDF) // 2], id="truncated"),
    ],
)
def test_files_that_only_start_like_a_pdf_are_refused(data):
    with pytest.raises(ValidationError, match="readable PDF"):
        check_upload(_upload(data))


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(ValidationError, match="Encrypted|readable PDF"):
        check_upload(_upload(_pdf(lambda w: w.encrypt("secret"))))


# Images


def test_a_real_image_is_accepted():
    assert check_upload(_upload(photo_bytes(), "a.jpg", "image/jpeg"))[0] == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        pytest.param(b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", "image/jpeg", id="jpeg-then-html"),
        pytest.param(photo_bytes()[:600], "image/jpeg", id="truncated-jpeg"),
        pytest.param(_huge_png(), "image/png", id="30000x30000-png"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"<html></html>", "image/png", id="png-magic-then-html"),
    ],
)
def test_images_must_decode_in_full_within_the_pixel_limit(data, content_type):
    with pytest.raises(ValidationError):
        check_upload(_upload(data, "photo.img", content_type))
    with pytest.raises(ValidationError):
        photo_check(_upload(data, "photo.img", content_type))


def test_the_pixel_limit_is_a_setting(settings):
    settings.UPLOAD_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match="too many pixels"):
        check_upload(_upload(photo_bytes(size=(101, 100)), "a.png", "image/png"))


# EXIF: a damaged or fanciful EXIF block loses the metadata, never the photo


@pytest.mark.parametrize("offset", ["+99:00", "+ab:cd", "-24:00", "+08:75", "+0８:00", "08:00:00"])
def test_impossible_time_offsets_fall_back_to_the_bureaus_zone(offset):
    meta = photo_metadata(Image.open(io.BytesIO(photo_bytes(offset=offset))))
    assert meta.taken_at is not None and meta.taken_at.utcoffset() == timedelta(hours=8)


def test_a_real_offset_is_kept():
    meta = photo_metadata(Image.open(io.BytesIO(photo_bytes(offset="-05:30"))))
    assert meta.taken_at.utcoffset() == -timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(
    "latitude",
    [
        ("N", (IFDRational(39, 0), IFDRational(54, 1), IFDRational(26, 1))),
        ("N", (IFDRational(39, 1), IFDRational(0, 0), IFDRational(26, 1))),
    ],
)
def test_a_gps_rational_with_a_zero_denominator_drops_the_position(latitude):
    meta = photo_metadata(Image.open(io.BytesIO(photo_bytes(latitude=latitude))))
    assert meta.latitude is None and meta.longitude is None


@pytest.mark.django_db
def test_a_photo_with_a_broken_exif_offset_is_stored(client):
    checked = photo_check(_upload(photo_bytes(offset="+99:00"), "site.jpg", "image/jpeg"))
    assert checked.metadata.taken_at is not None


# File names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("licence\u202egpj.exe", "licencegpj.exe"),
        ("a\x00b\r\nc.pdf", "abc.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "x.pdf"),
        ("../../etc/passwd", "passwd"),
        ("\u200b\u200f营业执照.pdf", "营业执照.pdf"),
        ("   ", "file"),
        (".pdf", "pdf"),
    ],
)
def test_control_characters_and_paths_leave_file_names(name, expected):
    assert clean_filename(name) == expected


def test_long_names_are_shortened_keeping_the_extension():
    name = clean_filename("营业执照" * 60 + ".pdf")
    assert len(name) == 100 and name.endswith(".pdf") and name.startswith("营业执照")
    assert clean_filename("x" * 300) == "x" * 100


def test_check_upload_cleans_the_name():
    uploaded = _upload(TINY_PDF, name="report\u202efdp.exe.pdf")
    check_upload(uploaded)
    assert uploaded.name == "reportfdp.exe.pdf"


# Size: refused while the body is read


class _CountingInput:
    """A request body of `size` bytes made on the fly, counting how much of it the server reads."""

    def __init__(self, head: bytes, size: int, tail: bytes):
        self.head, self.size, self.tail, self.read_bytes = head, size, tail, 0

    def _byte(self, position: int) -> bytes:
        if position < len(self.head):
            return self.head[position : position + 1]
        if position >= len(self.head) + self.size:
            return self.tail[position - len(self.head) - self.size : position - len(self.head) - self.size + 1]
        return b"A"

    def read(self, n=-1):
        total = len(self.head) + self.size + len(self.tail)
        n = total - self.read_bytes if n is None or n < 0 else min(n, total - self.read_bytes)
        start, self.read_bytes = self.read_bytes, self.read_bytes + n
        head_part = self.head[start : start + n]
        body_end = len(self.head) + self.size
        middle = max(0, min(start + n, body_end) - max(start, len(self.head)))
        tail_start = max(start, body_end) - body_end
        tail_part = self.tail[tail_start : tail_start + max(0, start + n - max(start, body_end))]
        return head_part + b"A" * middle + tail_part

    def readline(self, *args):
        return self.read(*args)


def _wsgi_upload(path: str, size: int, content_length: int | None = None):
    boundary = "----boundary13"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = _CountingInput(head, size, tail)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(content_length if content_length is not None else len(head) + size + len(tail)),
        "HTTP_HOST": "127.0.0.1",
    }
    statuses = []
    result = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    b"".join(result)
    return statuses[0], body


@pytest.mark.django_db
def test_a_50_mb_attachment_is_refused_after_reading_little_more_than_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    status, body = _wsgi_upload("/verify/", 50 * 1024 * 1024)
    assert status.startswith("413")
    assert body.read_bytes < 11 * 1024 * 1024


@pytest.mark.django_db
def test_a_request_over_the_total_limit_is_refused_before_reading(settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 20 * 1024 * 1024
    status, body = _wsgi_upload("/verify/", 30 * 1024 * 1024)
    assert status.startswith("413") and body.read_bytes == 0


@pytest.mark.django_db
def test_the_import_view_has_its_own_larger_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.UPLOAD_LIMITS = {"certificates:batch_import": 4 * 1024 * 1024}
    status, _body = _wsgi_upload("/app/certificates/batches/1/import/", 2 * 1024 * 1024)
    assert not status.startswith("413")  # read whole; the view then decides (here: sign in first)
    status, _body = _wsgi_upload("/app/certificates/batches/1/import/", 5 * 1024 * 1024)
    assert status.startswith("413")
