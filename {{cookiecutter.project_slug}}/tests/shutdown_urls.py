"""The project's URLs plus a slow view, for the shutdown test only: the product has none."""

import asyncio
from collections.abc import AsyncIterator

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from tests.server_behaviour import SERVER

# A server that drains it is waited for: short. One that cuts it off must not see it finish
# first on a busy machine: long, yet below the test's EXIT_TIMEOUT, so that a server that drains
# it after all fails the test rather than hangs it.
SLOW_SECONDS = 2.0 if SERVER.drains_requests else 10.0
FIRST_CHUNK = b"started\n"
LAST_CHUNK = b"finished\n"


async def slow(request: HttpRequest) -> StreamingHttpResponse:
    """Streams its first chunk at once, so the client knows the request is in flight."""

    async def body() -> AsyncIterator[bytes]:
        yield FIRST_CHUNK
        await asyncio.sleep(SLOW_SECONDS)
        yield LAST_CHUNK

    return StreamingHttpResponse(body(), content_type="text/plain")


urlpatterns = [path("test/slow/", slow), *project_urlpatterns]
