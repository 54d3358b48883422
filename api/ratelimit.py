"""The /verify/ look-up limit, shared by the API's certificate verification: the same scope of
cases.common.ratelimit, so the API and the page count in the same window per client address."""

from django.conf import settings

from cases.common.ratelimit import seconds_until_allowed


def verify_wait(request) -> int:
    """Count one look-up for the client; 0 if allowed, else seconds until it is."""
    return seconds_until_allowed(
        getattr(request, "_request", request),
        scope="verify",
        limit=settings.VERIFY_RATE_LIMIT,
        window=settings.VERIFY_RATE_WINDOW,
    )
