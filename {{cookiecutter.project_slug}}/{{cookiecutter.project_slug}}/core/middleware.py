"""The project's own middleware: request id, Server-Timing, /health/, event-loop block warning.

Every class is async-only (`sync_capable = False`): Django's ASGI handler then calls it
directly, where a `MiddlewareMixin` class would cost up to two thread hops per request.
"""

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Generator
from typing import Any

from asgiref.sync import markcoroutinefunction
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase

from . import views
from .logging import request_id

GetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from a client or a proxy: short, and safe in a header and a log line.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

logger = logging.getLogger(__name__)


class AsyncMiddleware:
    """Base of an async-only middleware: `__call__` must be a coroutine function."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        # Django checks this mark to await us instead of wrapping us in sync_to_async.
        markcoroutinefunction(self)


class RequestIDMiddleware(AsyncMiddleware):
    """Give each request an id: the caller's X-Request-ID when well-formed, else a fresh one.

    The id is echoed on the response and, through a contextvar, put on every log record
    of the request (see `core.logging.RequestIDFilter`).
    """

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Also on the request: Django logs 4xx/5xx responses after the middleware chain has
        # returned, with the request on the record, where the filter finds the id.
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = await self.get_response(request)
        finally:
            request_id.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response


class ServerTimingMiddleware(AsyncMiddleware):
    """Report the time Django took, up to the response headers, as `Server-Timing: app;dur=<ms>`."""

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        response = await self.get_response(request)
        metric = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        earlier = response.get("Server-Timing")
        response["Server-Timing"] = f"{earlier}, {metric}" if earlier else metric
        return response


class HealthCheckMiddleware(AsyncMiddleware):
    """Answer `/health/` ahead of the host check and the HTTPS redirect.

    Load balancers and container HEALTHCHECKs probe a server by its IP address over plain
    HTTP: a Host that ALLOWED_HOSTS rightly refuses, on a scheme SECURE_SSL_REDIRECT would
    redirect. The report builds nothing from the Host header, so it is safe for any host;
    every other path still goes through the whole stack.
    """

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info == "/health/":
            return await views.health(request)
        return await self.get_response(request)


class TimedSteps:
    """Await an awaitable one step at a time, timing each step.

    A step is the code between two suspension points: while it runs, the event loop runs
    nothing else. A step longer than the threshold means this request blocked the loop
    (time.sleep, a blocking client, heavy CPU work inside an async view or middleware).
    """

    def __init__(self, awaitable: Awaitable[HttpResponseBase], threshold: float) -> None:
        self.steps = awaitable.__await__()
        self.threshold = threshold
        self.longest = 0.0
        self.slow_steps = 0

    def _step(self, value: Any, error: BaseException | None) -> Any:
        start = time.perf_counter()
        try:
            return self.steps.send(value) if error is None else self.steps.throw(error)
        finally:
            elapsed = time.perf_counter() - start
            self.longest = max(self.longest, elapsed)
            self.slow_steps += elapsed > self.threshold

    def __await__(self) -> Generator[Any, Any, HttpResponseBase]:
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                suspended_on = self._step(value, error)
            except StopIteration as done:
                return done.value
            try:
                value, error = (yield suspended_on), None
            except GeneratorExit:
                self.steps.close()
                raise
            except BaseException as exc:  # cancellation included: the inner awaitable handles it
                value, error = None, exc


class LoopBlockMiddleware(AsyncMiddleware):
    """Warn, naming the path, when a request blocks the event loop longer than LOOP_BLOCK_WARN_MS.

    A development aid (local settings): it catches a blocking call inside an async view.
    Put it first in MIDDLEWARE so the whole stack below it is watched.
    """

    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        self.threshold_ms: float = getattr(settings, "LOOP_BLOCK_WARN_MS", 100)
        if self.threshold_ms <= 0:
            raise MiddlewareNotUsed("LOOP_BLOCK_WARN_MS <= 0 turns the loop-block warning off.")

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        steps = TimedSteps(self.get_response(request), self.threshold_ms / 1000)
        try:
            return await steps
        finally:
            if steps.slow_steps:
                logger.warning(
                    "%s %s blocked the event loop for %.0f ms (%d step(s) over %g ms)",
                    request.method,
                    request.path,
                    steps.longest * 1000,
                    steps.slow_steps,
                    self.threshold_ms,
                    # We run outside RequestIDMiddleware: the filter reads the id off the request.
                    extra={"request": request},
                )
