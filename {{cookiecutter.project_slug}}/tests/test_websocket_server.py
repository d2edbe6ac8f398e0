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
from tests.server_behaviour import SERVER

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


@pytest.mark.parametrize(
    "origin",
    # The server's host on another port, or over HTTPS: other origins.
    ["http://evil.example", "http://127.0.0.1:1", "https://127.0.0.1"],
    ids=["foreign", "another-port", "another-scheme"],
)
async def test_another_origin_is_refused(shared_server: Server, slug: str, origin: str):
    url = ws_url(shared_server, slug)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, origin=origin, open_timeout=TIMEOUT)
    assert refused.value.response.status_code == 403


async def frames_until_closed(ws: websockets.ClientConnection) -> tuple[list[dict], int | None]:
    """Every frame the server sends until it closes, and its close code (None: no close frame)."""
    frames = []
    try:
        while True:
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT)))
    except websockets.ConnectionClosed as closed:
        return frames, closed.rcvd.code if closed.rcvd else None


async def test_a_text_frame_that_is_not_utf8_closes_the_socket(shared_server: Server, slug: str):
    async with member(shared_server, slug) as ws:
        await ws.send('{"text": "ok\xff\xfebad"}'.encode("latin-1"), text=True)
        assert (await frames_until_closed(ws)) == ([], SERVER.invalid_utf8_close_code)


async def test_a_flood_is_told_to_slow_down_then_closed_with_1008(shared_server: Server, slug: str):
    limit = settings.RATE_LIMIT_WEBSOCKET_MESSAGES[0]
    frames, code = [], None
    async with member(shared_server, slug) as ws:
        # Enough to pass twice the limit even if the count starts again halfway through. Each
        # frame waits for its answer: frames still unread when the server closes would make its
        # kernel reset the connection, and the close frame could be lost before it is read.
        for number in range(5 * limit):
            try:
                await ws.send(json.dumps({"text": f"flood {number}"}))
                frames.append(await receive(ws))
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
                break

    assert code == 1008
    kinds = [frame.get("code", frame["type"]) for frame in frames]
    assert "rate_limited" in kinds
    # At most the limit in each of the two windows the flood may have spanned.
    assert limit <= kinds.count("message") <= 2 * limit
