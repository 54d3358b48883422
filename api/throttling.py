"""Rate limits: per API key (its own requests per minute), per signed-in user, per client address."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiKey
from cases.common.ratelimit import client_address


class PerKeyThrottle(SimpleRateThrottle):
    """A key's own limit (ApiKey.rate_per_minute); a signed-in session user gets the default key rate."""

    scope = "key"

    def get_rate(self):
        return f"{settings.API_KEY_DEFAULT_RATE}/min"

    def allow_request(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return True
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is not None:
            self.num_requests, self.duration = key.rate_per_minute, 60
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return f"api-throttle:key:{request.auth.pk}"
        return f"api-throttle:user:{request.user.pk}"


class AnonymousThrottle(SimpleRateThrottle):
    """Requests without a key or session, per client address."""

    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        # The client address as /verify/ reads it: X-Forwarded-For only through settings.TRUSTED_PROXIES.
        return f"api-throttle:anon:{client_address(request._request)}"
