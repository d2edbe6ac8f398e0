"""WebSockets through the real {{ cookiecutter.asgi_server }} server, started by `bin/serve prod` as deployed.

The tests share the session's server (conftest.py's `shared_server`): each uses a room of its own.
"""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from django.conf import settings

from tests.server import PLAIN_HTTP, Server

# Generous: the machine running the tests may be busy; a passing test never waits this long.
TIMEOUT = 10

# The shared server's data is flushed after each test.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slug() -> str:
    """A room of the test's own: the shared server's database outlives a test."""
    return f"room-{uuid.uuid4().hex[:12]}"


def ws_url(server: Server, slug: str) -> str:
    return f"{server.url.replace('http', 'ws', 1)}/ws/rooms/{slug}/"


@asynccontextmanager
async def member(server: Server, slug: str) -> AsyncIterator[websockets.ClientConnection]:
    """A socket opened as the room page opens it, with the history and own join read."""
    url = ws_url(server, slug)
    async with websockets.connect(url, origin=server.url, open_timeout=TIMEOUT) as ws:
        assert (await receive(ws))["type"] == "history"
        assert (await receive(ws))["type"] == "join"
        yield ws


async def receive(ws: websockets.ClientConnection) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))


async def test_a_message_sent_over_the_socket_is_broadcast_and_stored(
    shared_server: Server, slug: str
):
    async with member(shared_server, slug) as ws:
        await ws.send(json.dumps({"text": "over the wire"}))
        frame = await receive(ws)
    assert frame["type"] == "message"
    assert frame["text"] == "over the wire"

    async with httpx.AsyncClient(base_url=shared_server.url, verify=PLAIN_HTTP) as client:
        page = (await client.get(f"/api/rooms/{slug}/messages/")).json()
    assert [message["id"] for message in page["results"]] == [frame["id"]]


async def test_a_foreign_origin_is_refused(shared_server: Server, slug: str):
    url = ws_url(shared_server, slug)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, origin="http://evil.example", open_timeout=TIMEOUT)
    assert refused.value.response.status_code == 403


async def test_oversized_text_is_an_error_and_an_oversized_frame_closes_the_socket(
    shared_server: Server, slug: str
):
    async with member(shared_server, slug) as ws:
        # Within the frame limit but over the 2,000 characters of a message: an error reply.
        await ws.send(json.dumps({"text": "x" * 2001}))
        assert (await receive(ws))["type"] == "error"
        await ws.send(json.dumps({"text": "still open"}))
        assert (await receive(ws))["text"] == "still open"

        # bin/serve's limit, as the settings read it from the same environment.
        limit = settings.WEBSOCKET_MAX_MESSAGE_BYTES
        await ws.send("x" * (limit + 1))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
