"""The simulation's upload is a PDF a strict reader accepts: its startxref names the cross-reference table."""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from cases.applications.simulation import TINY_PDF
from cases.common.uploads import check_pdf


def test_startxref_points_at_the_cross_reference_table():
    offset = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", TINY_PDF).group(1))
    assert TINY_PDF[offset:].startswith(b"xref")
    table = TINY_PDF[offset:].split(b"trailer")[0].splitlines()[2:]  # after "xref" and "0 4"
    for number, entry in enumerate(table[1:], 1):
        assert TINY_PDF[int(entry[:10]) :].startswith(b"%d 0 obj" % number)


def test_a_strict_reader_opens_it_and_finds_one_page():
    assert len(PdfReader(io.BytesIO(TINY_PDF), strict=True).pages) == 1
    assert check_pdf(io.BytesIO(TINY_PDF)) == 1


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_poppler_reads_it_without_a_syntax_error(tmp_path):
    path = tmp_path / "tiny.pdf"
    path.write_bytes(TINY_PDF)
    result = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", result.stdout, re.MULTILINE) and "Syntax Error" not in result.stderr
