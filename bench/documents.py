"""Signed document figures: a certificate's warm render and signature, sizes, and 1,000 signed certificates
rendered in parallel, one process per core, as the Celery prefork pool runs the `cases.documents_render` jobs.

Each worker does what cases.documents.rendering.document_render does for a certificate issued at registration
(lay out the frozen HTML, sign it, hash it, store the file), less its two database statements. The issue phase
(context, signed QR payload, filled-in template) runs in the registering transaction and is timed apart.
Uses a throw-away demo CA and keys. Prints figures; not a test.

    DEBUG=1 .venv/bin/python bench/documents.py [--count 1000] [--workers N]
"""

import argparse
import datetime as dt
import hashlib
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="filing-bench-documents-"))


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
    import django

    django.setup()
    from django.conf import settings

    from cases.documents.demo_signing import demo_signing_material

    material = demo_signing_material(WORKDIR / "signing", passphrase="bench", authority=settings.ISSUING_AUTHORITY)
    settings.DOCUMENT_SIGNING_PKCS12, settings.DOCUMENT_SIGNING_PASSPHRASE = str(material.pkcs12), "bench"
    settings.DOCUMENT_SIGNING_TRUST_ROOTS = [str(material.ca)]
    settings.DOCUMENT_QR_KEY, settings.DOCUMENT_QR_KEY_PASSPHRASE = str(material.qr_key), "bench"


def _certificate_html(n: int) -> str:
    """What certificate_documents_issue stores for one certificate: context, signed QR, filled-in template."""
    from cases.documents.pdf import qr_png_data_uri, render_html
    from cases.documents.qr import QrPayload, mask_holder_name, qr_text

    number = f"Y00001100012326{4:01d}{n + 1:06d}"
    url = f"https://zs.example.cn/verify/c/{hashlib.sha256(number.encode()).hexdigest()[:22]}/"
    name = ["张三丰", "李四", "欧阳娜娜", "王小明"][n % 4]
    payload = QrPayload(number, mask_holder_name(name), "6-18-02-04", "焊工", 4, dt.date(2026, 5, 1))
    context = {
        "number": number,
        "holder_name": name,
        "id_masked": f"110***********{n % 10000:04d}",
        "occupation": "焊工",
        "code": "6-18-02-04",
        "trade": "",
        "level_label": "四级/中级工",
        "issued_on": dt.date(2026, 5, 1),
        "body_name": "北京精工智造机械有限公司",
        "body_filing": "京技备202600001",
        "qr_data_uri": qr_png_data_uri(qr_text(verify_url=url, payload=payload)),
        "verify_url": url,
    }
    return render_html("documents/skill_certificate.html", {"certificates": [context], "doc_number": number})


def _render_and_sign(html: str, number: str):
    from cases.documents.pdf import html_to_pdf
    from cases.documents.signing import sign_pdf

    rendered = html_to_pdf(html, info={"DocumentKind": "skill_certificate", "DocumentNumber": number})
    return rendered, sign_pdf(rendered.pdf, seal=rendered.seal, reason=f"职业技能等级证书 {number}", location="北京")


def _worker_chunk(chunk: list[tuple[str, str]]) -> tuple[int, float]:
    """One job: render, sign, hash and store each certificate of the chunk; returns the count and CPU seconds."""
    cpu = time.process_time()
    out = WORKDIR / "media"
    out.mkdir(exist_ok=True)
    for number, html in chunk:
        _rendered, pdf = _render_and_sign(html, number)
        digest = hashlib.sha256(pdf).hexdigest()
        (out / f"skill_certificate-{number}-{digest[:12]}.pdf").write_bytes(pdf)
    return len(chunk), time.process_time() - cpu


def _median_ms(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--chunk", type=int, default=25, help="certificates per job (DOCUMENT_RENDER_CHUNK)")
    args = parser.parse_args()
    _setup()
    from cases.documents.pdf import html_to_pdf, render_html
    from cases.documents.signing import sign_pdf
    from config.celery import freeze_startup_objects
    from tests.documents.samples import sample_contexts

    print(
        f"{dt.date.today():%Y-%m-%d} · {platform.machine()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · load average {os.getloadavg()[0]:.1f}"
    )

    html = _certificate_html(0)
    _render_and_sign(html, "warm-up")
    freeze_startup_objects()  # timed as in a worker process
    issue_ms = _median_ms(lambda: _certificate_html(1), 30)
    render_ms = _median_ms(lambda: html_to_pdf(html), 30)
    rendered = html_to_pdf(html)
    sign_ms = _median_ms(lambda: sign_pdf(rendered.pdf, seal=rendered.seal, reason="bench", location="北京"), 30)
    signed = sign_pdf(rendered.pdf, seal=rendered.seal, reason="bench", location="北京")
    print(f"Certificate issue phase (context, signed QR payload, template): median {issue_ms:.1f} ms")
    print(f"Certificate warm render (layout to PDF, before signing): median {render_ms:.0f} ms over 30")
    print(f"Signature (PAdES B-B, ECDSA P-256, visible field): median {sign_ms:.1f} ms over 30")
    print(f"Certificate size: {len(rendered.pdf) / 1024:.1f} KiB unsigned, {len(signed) / 1024:.1f} KiB signed")

    context = sample_contexts()["documents/inspection_report.html"]
    findings = context["inspection"]["findings"]
    context["inspection"]["findings"] = [
        {**finding, "note": f"第{n + 1}项：现场查看记录、设备台账与人员资质证明。"}
        for n, finding in enumerate(findings * 15)
    ]
    report = html_to_pdf(render_html("documents/inspection_report.html", context))
    report_signed = sign_pdf(report.pdf, seal=report.seal, reason="bench", location="北京")
    print(f"Inspection report, {report.pages} pages, 60 findings: {len(report_signed) / 1024:.1f} KiB signed")

    start = time.perf_counter()
    items = [(f"N{n:06d}", _certificate_html(n)) for n in range(args.count)]
    issued = time.perf_counter() - start
    chunks = [items[i : i + args.chunk] for i in range(0, len(items), args.chunk)]
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    # As a Celery worker process does once started (config.celery.freeze_startup_objects).
    with ProcessPoolExecutor(max_workers=args.workers, initializer=freeze_startup_objects) as pool:
        results = list(pool.map(_worker_chunk, chunks))
    elapsed = time.perf_counter() - start
    done, cpu = sum(n for n, _ in results), sum(seconds for _, seconds in results)
    files = list((WORKDIR / "media").glob("*.pdf"))
    total = sum(path.stat().st_size for path in files)
    print(
        f"{done} signed certificates in {elapsed:.1f} s with {args.workers} processes "
        f"({done / elapsed:.1f}/s; issue phase {issued:.1f} s in one process); "
        f"{total / len(files) / 1024:.1f} KiB each on average"
    )
    # Other work on the machine stretches the wall time; the CPU time the workers used does not depend on it.
    print(
        f"  worker CPU {cpu / done * 1000:.0f} ms per certificate: {cpu / args.workers:.1f} s of CPU per process; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )


if __name__ == "__main__":
    main()
