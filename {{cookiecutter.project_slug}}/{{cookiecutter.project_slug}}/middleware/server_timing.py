"""Server-Timing: how long Django took, for the browser's developer tools."""

import time

from django.http import HttpRequest, HttpResponseBase

from .base import AsyncMiddleware


class ServerTimingMiddleware(AsyncMiddleware):
    """Report the time Django took, up to the response headers, as `Server-Timing: app;dur=<ms>`."""

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        response = await self.get_response(request)
        metric = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        earlier = response.get("Server-Timing")
        response["Server-Timing"] = f"{earlier}, {metric}" if earlier else metric
        return response
