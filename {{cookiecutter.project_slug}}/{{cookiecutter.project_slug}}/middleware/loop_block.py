"""Development only (local settings): warn when a request blocks the event loop.

A blocking call inside an async view (time.sleep, a sync client, heavy CPU work) stalls every
other request the process serves; this names the path that did it.
"""

import logging
import time
from collections.abc import Awaitable, Generator
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase

from .base import AsyncMiddleware, GetResponse

logger = logging.getLogger(__name__)


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
