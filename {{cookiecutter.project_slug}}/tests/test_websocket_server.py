"""WebSockets through the real {{ cookiecutter.asgi_server }} server, started by `bin/serve prod` as deployed."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets

from tests.server import PLAIN_HTTP, Server, running

# Generous: the machine running the tests may be busy; a passing test never waits this long.
TIMEOUT = 10
# Far below bin/serve's default, so the test does not have to push megabytes around.
MAX_MESSAGE_BYTES = 4096


# The server's data is flushed after each test; the server itself is shared by the module.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def live(live_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module (a start costs seconds): each test uses a room of its own."""
    env = {
        **live_env,
        "WEBSOCKET_MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
{%- if cookiecutter.use_redis %}
        "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
{%- else %}
        # One process: the in-memory channel layer cannot carry messages between processes.
        "WEB_CONCURRENCY": "1",
{%- endif %}
    }
    with running(env, tmp_path_factory.mktemp("websocket-server")) as server:
        yield server


@pytest.fixture
def slug() -> str:
    """A room of the test's own: the live server's database outlives a test."""
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


async def test_a_message_sent_over_the_socket_is_broadcast_and_stored(live: Server, slug: str):
    async with member(live, slug) as ws:
        await ws.send(json.dumps({"text": "over the wire"}))
        frame = await receive(ws)
    assert frame["type"] == "message"
    assert frame["text"] == "over the wire"

    async with httpx.AsyncClient(base_url=live.url, verify=PLAIN_HTTP) as client:
        page = (await client.get(f"/api/rooms/{slug}/messages/")).json()
    assert [message["id"] for message in page["results"]] == [frame["id"]]


async def test_a_foreign_origin_is_refused(live: Server, slug: str):
    url = ws_url(live, slug)
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, origin="http://evil.example", open_timeout=TIMEOUT)
    assert refused.value.response.status_code == 403


async def test_oversized_text_is_an_error_and_an_oversized_frame_closes_the_socket(
    live: Server, slug: str
):
    async with member(live, slug) as ws:
        # Within the frame limit but over the 2,000 characters of a message: an error reply.
        await ws.send(json.dumps({"text": "x" * 2001}))
        assert (await receive(ws))["type"] == "error"
        await ws.send(json.dumps({"text": "still open"}))
        assert (await receive(ws))["text"] == "still open"

        await ws.send("x" * (MAX_MESSAGE_BYTES + 1))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
