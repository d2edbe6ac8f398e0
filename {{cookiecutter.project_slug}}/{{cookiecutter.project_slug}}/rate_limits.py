"""Rate limits, counted in Django's cache, and the client address they are counted by.

The API's writes, the WebSocket's messages and open sockets, and failed log-ins each count hits
under a key: a user, a socket, or a client address. A rate is a fixed window, `(hits, seconds)`:
at most `hits` in each window of `seconds`. With Redis as the cache every server process shares
the counts; with the in-memory cache each process counts alone.

The cache calls are the sync ones, in a worker thread: Django's async `aincr` is a read then a
write on Django 5.2 and 6.0, so concurrent hits would be lost. `add` and `incr` are atomic
(Redis commands; the in-memory cache holds a lock).
"""

import contextlib
import functools
import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

logger = logging.getLogger(__name__)

Rate = tuple[int, int]

# Seconds an open-connection count lasts past its last refresh: what a process that died
# without closing its sockets holds, until then, of each of its clients' allowance.
CONNECTION_LEASE = 300
# The address that stands for a client whose address the server did not give (a Unix socket).
UNKNOWN_ADDRESS = "unknown"


@dataclass(frozen=True)
class Count:
    """A key's hits in the current window."""

    hits: int
    limit: int
    # Seconds until the window ends and the count starts again.
    retry_after: int

    @property
    def allowed(self) -> bool:
        return self.hits <= self.limit


def cache_key(kind: str, identity: str) -> str:
    """A short key whatever the identity holds (a username can hold anything a client sends)."""
    digest = hashlib.sha256(identity.encode(errors="surrogatepass")).hexdigest()[:32]
    return f"rate:{kind}:{digest}"


def _window(key: str, rate: Rate) -> tuple[str, int]:
    """The key of the current window's counter, and the seconds left in the window."""
    seconds = rate[1]
    now = time.time()
    number = int(now // seconds)
    return f"{key}:{seconds}:{number}", max(1, math.ceil((number + 1) * seconds - now))


def hit(key: str, rate: Rate) -> Count:
    """Count one hit under `key`; the count says whether it is within the rate."""
    counter, retry_after = _window(key, rate)
    # One second past the window's end: a hit computed just before the end still finds it.
    timeout = rate[1] + 1

    def add_one() -> int:
        if cache.add(counter, 1, timeout=timeout):
            return 1
        try:
            return cache.incr(counter)
        except ValueError:  # expired between the two calls
            cache.add(counter, 1, timeout=timeout)
            return 1

    return Count(_unless_the_cache_fails(add_one, 0), rate[0], retry_after)


def count(key: str, rate: Rate) -> Count:
    """The hits under `key` in the current window, without counting one."""
    counter, retry_after = _window(key, rate)
    hits = _unless_the_cache_fails(lambda: cache.get(counter, 0), 0)
    return Count(hits, rate[0], retry_after)


def open_connection(key: str, limit: int) -> bool:
    """Take one of `limit` connection slots under `key`; False (and nothing taken) if none is free.

    Give the slot back with close_connection, and call refresh_connection more often than
    every CONNECTION_LEASE seconds while the connection is open.
    """
    counter = f"{key}:open"

    def take() -> bool:
        if cache.add(counter, 1, timeout=CONNECTION_LEASE):
            return True
        try:
            if cache.incr(counter) > limit:
                cache.decr(counter)
                return False
        except ValueError:  # expired between the two calls
            cache.add(counter, 1, timeout=CONNECTION_LEASE)
        cache.touch(counter, CONNECTION_LEASE)
        return True

    return _unless_the_cache_fails(take, True)


def close_connection(key: str) -> None:
    def give_back() -> None:
        with contextlib.suppress(ValueError):  # expired: nothing left to give back
            cache.decr(f"{key}:open")

    _unless_the_cache_fails(give_back, None)


def refresh_connection(key: str) -> None:
    _unless_the_cache_fails(lambda: cache.touch(f"{key}:open", CONNECTION_LEASE), None)


_cache_failing = False


def _unless_the_cache_fails(operation: Callable[[], Any], fallback: Any) -> Any:
    """The operation's result; while the cache fails, the fallback, which lets clients through.

    Refusing everyone while the cache is down would turn its outage into the site's. The
    outage is logged when it starts and when it ends, not at every hit.
    """
    global _cache_failing
    try:
        result = operation()
    except Exception as error:
        if not _cache_failing:
            logger.error("The cache is unreachable, rate limits are off till it is back: %r", error)
        _cache_failing = True
        return fallback
    if _cache_failing:
        logger.warning("The cache is reachable again, rate limits are back on")
        _cache_failing = False
    return result


# For async callers: one thread hop each, and never in the request's own thread.
ahit = sync_to_async(hit, thread_sensitive=False)
acount = sync_to_async(count, thread_sensitive=False)
aopen_connection = sync_to_async(open_connection, thread_sensitive=False)
aclose_connection = sync_to_async(close_connection, thread_sensitive=False)
arefresh_connection = sync_to_async(refresh_connection, thread_sensitive=False)


# CLIENT ADDRESS
# The socket's peer; behind a proxy listed in settings.TRUSTED_PROXIES, the client it forwarded.


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}.") from None


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def _as_client(address: str) -> str:
    """An IPv4 address as it is; an IPv6 one as its /64, which one subscriber usually holds."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or UNKNOWN_ADDRESS
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def forwarded_client(peer: str, forwarded_for: str) -> str:
    """The client: the peer, unless it is a trusted proxy, whose X-Forwarded-For then names it.

    Each proxy appends the address it received the request from, and a client can write
    anything to the left of that: the list is read from the right, and the first address
    that is not a trusted proxy is the client's.
    """
    if not _is_trusted_proxy(peer):
        return _as_client(peer)
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            return _as_client(hop)
    return _as_client(hops[0] if hops else peer)


def request_client(request: HttpRequest) -> str:
    """The client address of an HTTP request."""
    peer = request.META.get("REMOTE_ADDR") or ""
    return forwarded_client(peer, request.headers.get("X-Forwarded-For", ""))


def scope_client(scope: dict[str, Any]) -> str:
    """The client address of an ASGI connection (a WebSocket's scope)."""
    peer = (scope.get("client") or [""])[0]
    forwarded = b",".join(
        value for name, value in scope.get("headers", []) if name == b"x-forwarded-for"
    )
    return forwarded_client(peer, forwarded.decode("latin-1"))
