"""The /verify/ look-up limit, shared by the API's certificate verification.

The limiter is moving to cases.common.ratelimit (`seconds_until_allowed(request, *, scope, limit,
window)`); until it has, the /verify/ view's own function is used. Either way the API and the page
count in the same window, so the API is no way around the page's limit.
"""

from django.conf import settings


def verify_wait(request) -> int:
    """Count one look-up for the client; 0 if allowed, else seconds until it is."""
    django_request = getattr(request, "_request", request)
    try:
        from cases.common.ratelimit import seconds_until_allowed
    except ImportError:
        from cases.certificates.views.verify import seconds_until_allowed as legacy

        return legacy(django_request)
    return seconds_until_allowed(
        django_request, scope="verify", limit=settings.VERIFY_RATE_LIMIT, window=settings.VERIFY_RATE_WINDOW
    )
