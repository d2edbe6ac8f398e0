"""The one async view every ASGI Django candidate serves, (b), (c) and (d) alike; its sync twin for
(e), the WSGI path."""

import asyncio

from django.http import HttpResponse

BODY = b"Hello, world!"


async def hello(request):
    return HttpResponse(BODY, content_type="text/plain")


def hello_sync(request):
    return HttpResponse(BODY, content_type="text/plain")


async def sleep(request):
    """100 ms of pretend I/O: the concurrency measurement."""
    await asyncio.sleep(0.1)
    return HttpResponse(BODY, content_type="text/plain")
