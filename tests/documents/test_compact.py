"""Compact PDFs: subset fonts, size bounds, Chinese text present and rendered, a seal area on each."""

import pytest

from cases.documents.pdf import html_to_pdf, render_html
from cases.documents.rendering import document_create
from cases.models.documents import GeneratedDocument
from tests.documents.conftest import needs_poppler, pdf_fonts, pdf_text, rasterise, stored_bytes
from tests.documents.samples import sample_contexts

REPORT_MAX_BYTES = 150 * 1024


def long_inspection_report() -> dict:
    context = sample_contexts()["documents/inspection_report.html"]
    findings = context["inspection"]["findings"]
    context["inspection"]["findings"] = [
        {**finding, "code": f"{n // 4 + 1}.{n % 4 + 1}", "note": f"第{n + 1}项：现场查看记录、设备台账与人员资质证明。"}
        for n, finding in enumerate(findings * 15)
    ]
    return context


@pytest.mark.parametrize("template_name", sorted(sample_contexts()))
def test_every_document_has_a_seal_area_for_its_signature(template_name):
    rendered = html_to_pdf(render_html(template_name, sample_contexts()[template_name]))

    assert rendered.seal is not None, f"{template_name} has no seal area (documents/_seal.html)"
    assert rendered.seal.page == rendered.pages - 1 or template_name.endswith("inspection_report.html")
    assert 90 < rendered.seal.x2 - rendered.seal.x1 < 115


@needs_poppler
@pytest.mark.django_db
def test_a_multi_page_report_is_small_with_subset_fonts(media_root, organisation, tmp_path):
    document = document_create(
        kind=GeneratedDocument.Kind.INSPECTION_REPORT,
        target=organisation,
        template_name="documents/inspection_report.html",
        context=long_inspection_report(),
        actor=None,
    )
    pdf = stored_bytes(document)

    text = pdf_text(pdf)
    assert "第2页/共" in text or "第 2 页" in text
    assert len(pdf) <= REPORT_MAX_BYTES
    fonts = [font for font in pdf_fonts(pdf, tmp_path) if font["emb"] == "yes"]
    assert fonts and all(font["sub"] == "yes" and font["uni"] == "yes" for font in fonts)
    assert "现场考察报告" in text and "第60项" in text and document.number in text
    page = rasterise(pdf, tmp_path, dpi=50, page=2)
    assert sum(page.histogram()[:128]) > 0.01 * page.width * page.height  # text on page 2 is ink, not blank
