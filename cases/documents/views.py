"""The public document verification page (/verify/document/): upload a PDF, learn whether it is ours and intact.

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
from cases.documents.forms import VerifyDocumentForm
from cases.documents.verification import UnreadablePdf, verify_pdf

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
