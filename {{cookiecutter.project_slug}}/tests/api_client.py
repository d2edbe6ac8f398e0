"""The API through the project's own ASGI application (config.asgi), in process.

Whichever framework serves the API, a request here takes the way a server hands it over: the
framework's routing, Django's middleware, the CSRF check. The client sends the CSRF cookie and
token, as the room page's script does.
"""

import json

import httpx
from django.conf import settings

from config.asgi import application

# A CSRF secret, sent as the cookie and in the X-CSRFToken header.
CSRF_SECRET = "0123456789abcdefghijABCDEFGHIJkl"
JSON = {"Content-Type": "application/json"}


def api_client(*, csrf: bool = True) -> httpx.AsyncClient:
    """An httpx client for `async with`; without `csrf`, a client that has no token yet."""
    transport = httpx.ASGITransport(app=application)
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    if csrf:
        client.cookies.set(settings.CSRF_COOKIE_NAME, CSRF_SECRET)
        client.headers["X-CSRFToken"] = CSRF_SECRET
    return client


async def post_json(client: httpx.AsyncClient, url: str, payload: object) -> httpx.Response:
    return await client.post(url, content=json.dumps(payload), headers=JSON)
