"""The public certificate verification (证书查询): by number and holder's name, or by the QR link.

Answers valid, revoked or not found and nothing else: no holder data, no body, no dates. A wrong name
gives the same answer as a missing number. Look-ups are counted per client address in the cache
(a fixed window), so numbers cannot be walked through; past the limit the page says when to retry.
"""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases.certificates.forms import VerifyForm
from cases.certificates.selectors import verify_by_number, verify_by_token


def _client_key(request) -> str:
    """The client address; IPv6 clients by their /64, which one household or host usually holds whole."""
    value = request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def seconds_until_allowed(request) -> int:
    """Count one look-up for the client; 0 if within the limit, else the seconds until the window ends."""
    window, limit = settings.VERIFY_RATE_WINDOW, settings.VERIFY_RATE_LIMIT
    now = time.time()
    key = f"verify-rate:{_client_key(request)}:{int(now // window)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count <= limit:
        return 0
    return int(window - now % window) + 1


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
    wait = seconds_until_allowed(request)
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
    wait = seconds_until_allowed(request)
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
