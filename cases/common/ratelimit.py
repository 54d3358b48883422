"""Who is asking (the client address, through the trusted reverse proxies) and how often (a rate limit).

Behind a reverse proxy REMOTE_ADDR is the proxy's address, so every citizen would share one limit. The
proxy puts the real address into X-Forwarded-For; that header is read only when settings.TRUSTED_PROXIES
says which proxies to believe, because anyone else can send it with any content:

- a number N: N proxies stand in front of the application; the client is the N-th address from the right
  of X-Forwarded-For (each proxy appends the address it received the request from);
- addresses or networks ("10.0.0.2", "10.0.0.0/8", "::1"): starting from REMOTE_ADDR, every trusted
  address is skipped from the right; the first untrusted one is the client;
- empty (the default) or 0: X-Forwarded-For is ignored and REMOTE_ADDR is the client.

Limits are fixed windows counted in the cache (shared by every worker with REDIS_URL, per process
otherwise). IPv6 clients are counted by their /64, which one household or host usually holds whole.
"""

import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

UNKNOWN = "unknown"


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a header entry: "203.0.113.5", "203.0.113.5:4711", "[2001:db8::1]:443", "2001:db8::1"."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # IPv4 with a port; IPv6 has at least two colons
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _trusted(setting) -> int | tuple:
    """The setting as a number of proxies or a tuple of networks."""
    if setting in (None, "", 0):
        return 0
    if isinstance(setting, int):
        if setting < 0:
            raise ImproperlyConfigured("TRUSTED_PROXIES must not be negative.")
        return setting
    entries = setting.split(",") if isinstance(setting, str) else list(setting)
    entries = [str(entry).strip() for entry in entries if str(entry).strip()]
    if len(entries) == 1 and entries[0].isdigit():
        return int(entries[0])
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def _is_trusted(address, networks: tuple) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request) -> str:
    """The address of the client that sent request, as a string ("unknown" if there is none)."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = _trusted(_hashable(getattr(settings, "TRUSTED_PROXIES", "")))
    if remote is None:
        return UNKNOWN
    if not trusted:
        return str(remote)
    forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if isinstance(trusted, int):
        if not forwarded:
            return str(remote)
        # Fewer entries than proxies: the request skipped a proxy; the leftmost entry is the farthest hop.
        chosen = _address(forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0])
        return str(chosen or remote)
    if not _is_trusted(remote, trusted):
        return str(remote)  # not from our proxy: whatever the header says was written by the client
    hop = remote
    for entry in reversed(forwarded):
        address = _address(entry)
        if address is None:
            return str(hop)  # a garbled entry: the last address a trusted proxy vouched for
        hop = address
        if not _is_trusted(address, trusted):
            return str(address)
    return str(hop)


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def _client_key(request) -> str:
    address = client_address(request)
    if address == UNKNOWN:
        return address
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def seconds_until_allowed(request, *, scope: str, limit: int, window: int) -> int:
    """Count this attempt of the client in scope; 0 if within `limit` per `window` seconds, else the wait."""
    now = time.time()
    key = f"ratelimit:{scope}:{_client_key(request)}:{int(now // window)}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count <= limit:
        return 0
    return int(window - now % window) + 1
