import io
import re

import pytest
from pypdf import PdfReader

from cases.documents.rendering import qr_png_data_uri, render_pdf
from tests.documents.samples import sample_contexts

# Strings each document must show, as pypdf extracts them: with the CJK font embedded (with its
# ToUnicode map) they come back verbatim; without it they are missing or boxes.
EXPECTED_TEXT = {
    "documents/acceptance_notice.html": [
        "受理通知书",
        "北京示例精密机械有限公司",
        "2026年11月25日",
        "维修电工",
        "二级/技师",
    ],
    "documents/supplement_notice.html": ["补正通知书", "缺少营业执照副本扫描件", "2026年12月9日"],
    "documents/rejection_notice.html": ["不予受理通知书", "申请单位成立不满一年", "行政复议"],
    "documents/inspection_report.html": ["现场考察报告", "王建国", "李明、赵晓红", "电工考评员仅1名", "基本符合"],
    "documents/assessment_report.html": ["专业评估报告", "陈立", "86.50", "81.92", "通过"],
    "documents/decision.html": ["备案决定书", "准予备案", "周审批", "2026年12月20日"],
    "documents/submission_receipt.html": ["提交回执", "补正后第1次重新提交", "营业执照.pdf", "考评员", "6名"],
    "documents/filing_certificate.html": [
        "备案证明",
        "京备2026第0123号",
        "海淀区",
        "2030年1月4日",
        "过程考核、结果认定",
    ],
}


def pdf_text(pdf: bytes) -> str:
    """All pages' text with whitespace removed (letter-spaced titles extract with gaps)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_every_document_template_has_expected_strings():
    assert set(EXPECTED_TEXT) == set(sample_contexts())


@pytest.mark.parametrize("template_name", sorted(EXPECTED_TEXT))
def test_document_renders_chinese_text_into_the_pdf(template_name):
    context = sample_contexts()[template_name]

    pdf = render_pdf(template_name, context)

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in EXPECTED_TEXT[template_name]:
        assert expected in text, f"{expected!r} missing from {template_name}"
    # Every page carries the issuing authority and the document number.
    assert "北京市人力资源和社会保障局" in text
    doc_number = context.get("doc_number") or context["filing"]["number"]
    assert doc_number in text
    assert "第1页/共1页" in text or "第1页/共2页" in text


def test_issuing_authority_comes_from_settings(settings):
    settings.ISSUING_AUTHORITY = "上海市人力资源和社会保障局"

    text = pdf_text(render_pdf("documents/decision.html", sample_contexts()["documents/decision.html"]))

    assert "上海市人力资源和社会保障局" in text
    assert "北京市人力资源和社会保障局" not in text


def test_context_values_are_escaped_not_interpreted():
    context = sample_contexts()["documents/rejection_notice.html"]
    context["reasons"] = '<img src="http://192.0.2.1/x.png">资料不全'

    text = pdf_text(render_pdf("documents/rejection_notice.html", context))

    assert '<imgsrc="http://192.0.2.1/x.png">资料不全' in text


def test_notices_are_a4_portrait_and_the_filing_certificate_a4_landscape():
    contexts = sample_contexts()
    certificate = contexts["documents/filing_certificate.html"]
    certificate["qr_data_uri"] = qr_png_data_uri(certificate["verify_url"])

    def first_page_size(pdf: bytes) -> tuple[int, int]:
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    notice = render_pdf("documents/acceptance_notice.html", contexts["documents/acceptance_notice.html"])
    landscape = render_pdf("documents/filing_certificate.html", certificate)

    # A4 is 595.28 x 841.89 pt.
    assert first_page_size(notice) == (595, 842)
    assert first_page_size(landscape) == (842, 595)


def test_filing_certificate_embeds_the_qr_code_image():
    context = sample_contexts()["documents/filing_certificate.html"]
    context["qr_data_uri"] = qr_png_data_uri(context["verify_url"])

    page = PdfReader(io.BytesIO(render_pdf("documents/filing_certificate.html", context))).pages[0]

    assert len(page.images) == 1


def test_qr_png_data_uri_is_a_png_image():
    from base64 import b64decode

    from PIL import Image

    uri = qr_png_data_uri("https://example.gov.cn/verify/?number=Y000011000123264000001")

    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    image = Image.open(io.BytesIO(b64decode(uri.removeprefix(prefix))))
    assert image.format == "PNG"
    assert image.width == image.height


def test_documents_load_nothing_from_the_network_or_outside_the_static_dir():
    from cases.documents.pdf import _DocumentURLFetcher, _static_dir

    fetcher = _DocumentURLFetcher(_static_dir())
    static_file = (_static_dir() / "css" / "app.css").as_uri()

    assert fetcher.fetch(static_file) is not None
    for url in ["file:///etc/passwd", static_file.replace("/css/app.css", "/../manage.py"), "http://192.0.2.1/x.png"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_filing_certificate_does_not_embed_an_image_from_a_local_path():
    context = sample_contexts()["documents/filing_certificate.html"]
    context["qr_data_uri"] = "file:///etc/passwd"

    page = PdfReader(io.BytesIO(render_pdf("documents/filing_certificate.html", context))).pages[0]

    assert len(page.images) == 0


def test_a_celery_worker_process_freezes_what_it_holds_once_started():
    """Document layout allocates heavily: a started worker keeps its startup objects out of full collections."""
    import gc

    from celery.signals import worker_process_init

    gc.unfreeze()
    try:
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
