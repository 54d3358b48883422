"""Certificates: search, detail, PDF, revocation."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.certificates import access, selectors
from cases.certificates.forms import CertificateSearchForm, RevokeForm
from cases.certificates.services import batches as services
from cases.certificates.services import documents, revocation
from cases.common.views import audited_download, error_message
from cases.models import (
    CertificateState,
)

# Certificates


@login_required
def certificate_list(request):
    """Search by number, holder's name or resident ID number.

    The form is POSTed and answered with a redirect to a GET URL that carries the ID number's keyed hash
    and masked form instead of the number itself, so it lands in no address bar, history or access log.
    """
    if request.method == "POST":
        form = CertificateSearchForm(request.POST)
        q = form.cleaned_data["q"].strip() if form.is_valid() else ""
        params = {"status": request.POST.get("status", "")}
        number = services.normalise_id_number(q)
        if services.resident_id_problem(number) is None:
            params.update(idh=services.id_number_hash(number), idm=services.mask_id_number(number))
        else:
            params["q"] = q
        query = urlencode({key: value for key, value in params.items() if value})
        return redirect(reverse("certificates:certificate_list") + (f"?{query}" if query else ""))
    certificates = access.visible_certificates(request.user).select_related("organisation", "occupation")
    q, id_hash, status = request.GET.get("q", ""), request.GET.get("idh", ""), request.GET.get("status", "")
    if re.fullmatch(r"[0-9a-f]{64}", id_hash):
        certificates = certificates.filter(id_hash=id_hash)
        shown = request.GET.get("idm", "")[:18]
    else:
        certificates = selectors.certificates_matching(certificates, q)
        shown = q
    if status in CertificateState.values:
        certificates = certificates.filter(status=status)
    query = {"q": q, "idh": id_hash, "idm": request.GET.get("idm", ""), "status": status}
    return render(
        request,
        "cases/certificates/certificate_list.html",
        {
            "form": CertificateSearchForm(initial={"q": shown}),
            "page": selectors.certificate_page(certificates, after=request.GET.get("after", "")),
            "query": {key: value for key, value in query.items() if value},
            "statuses": CertificateState.choices,
            "status": status,
        },
    )


@login_required
def certificate_detail(request, pk, revoke_form=None):
    certificate = access.access_certificate(request.user, pk)
    return render(
        request,
        "cases/certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "can_revoke": certificate.status == CertificateState.VALID
            and revocation.may_revoke(request.user, certificate),
            "revoke_form": revoke_form or RevokeForm(),
            "verify_url": documents.verify_url(certificate),
        },
    )


@login_required
def certificate_pdf(request, pk):
    certificate = access.access_certificate(request.user, pk)
    try:
        document = documents.certificate_document(certificate=certificate, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_message(error))
        return redirect("certificates:certificate_detail", pk=pk)
    return audited_download(
        request,
        obj=certificate,
        field=document.file,
        name=f"{certificate.number}.pdf",
        content_type="application/pdf",
        digest=document.sha256,
        kind=document.kind,
    )


@login_required
@require_POST
def certificate_revoke(request, pk):
    certificate = access.access_certificate(request.user, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            revocation.certificate_revoke(
                certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_message(error))
        else:
            messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
            return redirect("certificates:certificate_detail", pk=pk)
    return certificate_detail(request, pk, revoke_form=form)
