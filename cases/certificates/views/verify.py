"""The public certificate verification (证书查询): by number and holder's name, or by the QR link.

Answers valid, revoked or not found. For a certificate it found (the number and the holder's name matched, or
the QR link's token) it also names the occupation, the level and the issuing body, so that a paper copy can be
checked against them; never the holder's resident ID number, nor anything of a certificate it did not find. A
wrong name gives the same answer as a missing number. Look-ups are counted per client address (cases.common.ratelimit:
a fixed window in the cache, the address taken through the trusted proxies), so numbers cannot be walked
through; past the limit the page says when to retry.
"""

import math

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases.certificates.forms import VerifyForm
from cases.certificates.selectors import verify_by_number, verify_by_token
from cases.common.ratelimit import seconds_until_allowed


def _seconds_until_allowed(request) -> int:
    """Count one look-up for the client; 0 if within the limit, else the seconds until the window ends."""
    return seconds_until_allowed(
        request, scope="verify", limit=settings.VERIFY_RATE_LIMIT, window=settings.VERIFY_RATE_WINDOW
    )


def _limited(request, wait: int, form=None):
    response = render(
        request,
        "public/verify.html",
        {"form": form or VerifyForm(), "limited": True, "wait_minutes": max(1, math.ceil(wait / 60))},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    if request.method != "POST":
        return render(request, "public/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return render(request, "public/verify.html", {"form": form})
    wait = _seconds_until_allowed(request)
    if wait:
        return _limited(request, wait, form)
    status = verify_by_number(number=form.cleaned_data["number"], name=form.cleaned_data["name"])
    return render(
        request, "public/verify.html", {"form": form, "status": status, "number": form.cleaned_data["number"]}
    )


@never_cache
@require_http_methods(["GET"])
def verify_token(request, token):
    """The page a certificate's QR code opens."""
    wait = _seconds_until_allowed(request)
    if wait:
        return _limited(request, wait)
    status, number = verify_by_token(token=token)
    form = VerifyForm(initial={"number": number})
    return render(
        request,
        "public/verify.html",
        {"form": form, "status": status, "number": number, "from_qr": True},
        status=200 if status != "not_found" else 404,
    )
