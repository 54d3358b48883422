"""Who is asking, from where: the request id and client IP that every event carries.

Set per request by AuditContextMiddleware; code running outside a request (commands,
Celery tasks) records events without them.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest

from cases.common.ratelimit import UNKNOWN, client_address

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True)
class AuditContext:
    request_id: str
    ip: str | None
    request: HttpRequest | None = None

    @property
    def user(self):
        """The signed-in user of the request, or None."""
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current_context() -> AuditContext | None:
    return _current.get()


def context_from_request(request: HttpRequest) -> AuditContext:
    """A context for request: its X-Request-ID if well-formed (else a new one), and the client's address
    (behind the reverse proxies named in TRUSTED_PROXIES, the one they forwarded for, as /verify/ reads it)."""
    given = request.headers.get("X-Request-ID", "")
    request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    ip = client_address(request)
    return AuditContext(request_id=request_id, ip=None if ip == UNKNOWN else ip, request=request)


@contextmanager
def bound_context(context: AuditContext | None) -> Iterator[AuditContext | None]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def request_context(request: HttpRequest | None) -> Iterator[AuditContext | None]:
    """The current context, or one made from request when no middleware has set it."""
    context = current_context()
    if context is not None or request is None:
        yield context
        return
    with bound_context(context_from_request(request)) as made:
        yield made
