"""The project's URLs plus a slow view, for the shutdown test only: the product has none."""

import asyncio
from collections.abc import AsyncIterator

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

FIRST_CHUNK = b"started\n"
LAST_CHUNK = b"finished\n"


async def slow(request: HttpRequest) -> StreamingHttpResponse:
    """Streams its first chunk at once, so the client knows the request is in flight, and its
    last after `?seconds=`."""
    seconds = float(request.GET["seconds"])

    async def body() -> AsyncIterator[bytes]:
        yield FIRST_CHUNK
        await asyncio.sleep(seconds)
        yield LAST_CHUNK

    return StreamingHttpResponse(body(), content_type="text/plain")


urlpatterns = [path("test/slow/", slow), *project_urlpatterns]
