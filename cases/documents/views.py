"""The public document verification page (/verify/document/): upload a PDF, learn whether it is ours and intact;
and the one download of an issued document, which the case pages call once they have checked access.

Nothing is stored: the file is read, checked and forgotten. Uploads are counted per client address
(cases.common.ratelimit), since each check costs a PDF parse and a signature validation.
"""

import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases.common.ratelimit import seconds_until_allowed
from cases.common.views import audited_download
from cases.documents.forms import VerifyDocumentForm
from cases.documents.rendering import document_render
from cases.documents.verification import UnreadablePdf, verify_pdf
from cases.models.documents import GeneratedDocument

TEMPLATE = "public/verify_document.html"


@never_cache
@require_http_methods(["GET", "POST"])
def verify_document(request):
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": VerifyDocumentForm()})
    form = VerifyDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    wait = seconds_until_allowed(
        request,
        scope="verify-document",
        limit=settings.DOCUMENT_VERIFY_RATE_LIMIT,
        window=settings.DOCUMENT_VERIFY_RATE_WINDOW,
    )
    if wait:
        response = render(
            request,
            TEMPLATE,
            {"form": VerifyDocumentForm(), "limited": True, "wait_minutes": max(1, math.ceil(wait / 60))},
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        verdict = verify_pdf(form.cleaned_data["file"].read())
    except UnreadablePdf:
        form.add_error("file", _("The file could not be read as a PDF."))
        return render(request, TEMPLATE, {"form": form}, status=400)
    return render(request, TEMPLATE, {"form": VerifyDocumentForm(), "verdict": verdict})


def document_download(request, *, obj, document: GeneratedDocument):
    """Send an issued document the caller may read, named by its Chinese title and number, as an audited download.

    A document whose rendering job has not run yet (slow, or failed) is rendered here first: rendering is
    idempotent, so the job finding it done later does nothing, and the reader never gets an empty file.
    """
    if not document.is_rendered:
        document = document_render(document.pk)
    return audited_download(
        request,
        obj=obj,
        field=document.file,
        name=document.download_name,
        content_type="application/pdf",
        digest=document.sha256,
        kind=document.kind,
        number=document.number,
    )
