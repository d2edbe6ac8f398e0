"""The project's URLs plus a slow view, for the shutdown test only: the product has none."""

import asyncio
from collections.abc import AsyncIterator

from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

{% if cookiecutter.asgi_server in ("uvicorn", "granian") -%}
# The test waits for it to finish: short.
SLOW_SECONDS = 2.0
{% else -%}
# The server cuts it off; long, so that it cannot finish first on a busy machine. Below the
# test's EXIT_TIMEOUT, so that a server that drains it fails the test rather than hangs it.
SLOW_SECONDS = 10.0
{% endif -%}
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
