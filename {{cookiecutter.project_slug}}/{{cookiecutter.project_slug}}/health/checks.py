"""What /health/ checks: every dependency at once, each with its own time limit.

The checks are settings.HEALTH_CHECKS (name: async function that raises when its dependency is
unwell) and one per URL in settings.HEALTH_CHECK_UPSTREAMS. A failure is named by its kind only
("HTTP 503", an exception class such as TimeoutError): exception text and URLs can carry
passwords and tokens, and the report goes to whoever holds HEALTH_CHECK_TOKEN.
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    import httpx

Check = Callable[[], Awaitable[None]]

# One client per process, so upstream checks reuse their connections; the ASGI lifespan closes
# it when the server shuts down.
_http_client: httpx.AsyncClient | None = None


class CheckFailed(Exception):
    """A dependency answered, but not well: the message is safe to show."""


def http_client() -> httpx.AsyncClient:
    global _http_client
    if _http_client is None:
        # Imported here, for upstream checks only: importing httpx is slow, and every process
        # that starts Django would pay for it.
        import httpx

        _http_client = httpx.AsyncClient(follow_redirects=False)
    return _http_client


async def close_http_client() -> None:
    global _http_client
    if _http_client is not None:
        await _http_client.aclose()
        _http_client = None


def _select_one() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # This worker thread's own connection: closed (back to the pool) rather than left behind.
        connection.close()


async def check_database() -> None:
    # Django has no async cursor. Not in the request's thread (thread_sensitive): the cache check
    # runs there too, and a database that hangs would hold it up past its own time limit.
    await sync_to_async(_select_one, thread_sensitive=False)()


async def check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    await cache.aset(key, "ok", timeout=10)
    if await cache.aget(key) != "ok":
        raise CheckFailed("read back a different value")
    await cache.adelete(key)


def upstream_check(url: str) -> Check:
    async def check() -> None:
        # No httpx timeout of its own: run_check bounds every check the same way.
        response = await http_client().get(url, timeout=None)
        if response.status_code >= 400:
            raise CheckFailed(f"HTTP {response.status_code}")

    return check


def upstream_name(url: str) -> str:
    """The URL without credentials, query or fragment: safe to publish."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"upstream:{parts.scheme}://{host}{port}{parts.path}"


def checks() -> dict[str, Check]:
    found: dict[str, Check] = {
        name: import_string(path) for name, path in settings.HEALTH_CHECKS.items()
    }
    for url in settings.HEALTH_CHECK_UPSTREAMS:
        found[upstream_name(url)] = upstream_check(url)
    return found


async def run_check(check: Check) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), settings.HEALTH_CHECK_TIMEOUT)
    except CheckFailed as failure:
        return {"status": "error", "error": str(failure)}
    except Exception as error:
        # Any failure is a result, never a 500; a timeout reads "TimeoutError".
        return {"status": "error", "error": type(error).__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


async def report() -> dict[str, Any]:
    """`{"status": "ok"|"error", "checks": {name: result}}`, every check run concurrently."""
    found = checks()
    results = await asyncio.gather(*(run_check(check) for check in found.values()))
    by_name = dict(zip(found, results, strict=True))
    healthy = all(result["status"] == "ok" for result in by_name.values())
    return {"status": "ok" if healthy else "error", "checks": by_name}


class SharedReport:
    """One run of the checks for every probe that comes while it runs or within MAX_AGE after.

    /health/ answers anyone: however many ask, the dependencies (the database, upstreams) are
    checked at most once per MAX_AGE seconds by each server process.
    """

    MAX_AGE = 1.0

    def __init__(self) -> None:
        self.run: asyncio.Task[dict[str, Any]] | None = None
        self.finished = -math.inf

    async def get(self) -> dict[str, Any]:
        run = self.run
        # A task belongs to its event loop: a new loop (a test's) starts afresh.
        if run is None or run.get_loop() is not asyncio.get_running_loop() or self.stale(run):
            # In a context of its own: the run belongs to no request, and outlives the one
            # that started it if that client hangs up (its request thread is then gone).
            run = self.run = asyncio.create_task(self.timed_report(), context=contextvars.Context())
        # Shielded: a probe that hangs up does not cancel the run the others wait for.
        return await asyncio.shield(run)

    def stale(self, run: asyncio.Task[dict[str, Any]]) -> bool:
        return run.done() and time.monotonic() - self.finished > self.MAX_AGE

    async def timed_report(self) -> dict[str, Any]:
        try:
            return await report()
        finally:
            self.finished = time.monotonic()


shared_report = SharedReport()
