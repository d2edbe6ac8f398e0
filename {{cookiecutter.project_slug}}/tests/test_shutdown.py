"""SIGTERM, as a deploy sends it, to the real server that `bin/serve prod` starts.

What each server does was measured, not assumed; the README's "Graceful shutdown" section says
the same. The slow view lives in tests/shutdown_urls.py: the product itself has no slow URL.
"""

import asyncio
{%- if cookiecutter.use_channels %}
import json
{%- endif %}
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager

import httpx
import pytest
{%- if cookiecutter.use_channels %}
import websockets
{%- endif %}

from tests.server import Server
from tests.shutdown_urls import FIRST_CHUNK, LAST_CHUNK

Serve = Callable[..., AbstractContextManager[Server]]

# Well above the 2 s request and the server's own drain timeout: a hung server fails the test.
EXIT_TIMEOUT = 30
{%- if cookiecutter.asgi_server == "uvicorn" %}
# Gunicorn's arbiter lets its uvicorn workers finish their requests, then exits 0.
{%- if cookiecutter.use_channels %}
# Uvicorn closes every WebSocket with 1012 (service restart) as its shutdown begins.
WEBSOCKET_CLOSE = 1012
{%- endif %}
{%- elif cookiecutter.asgi_server == "granian" %}
# Granian lets its workers finish their requests, then exits 0.
{%- if cookiecutter.use_channels %}
# Granian drops WebSockets without a close frame: the client sees 1006 (abnormal closure).
WEBSOCKET_CLOSE = 1006
{%- endif %}
{%- elif cookiecutter.asgi_server == "hypercorn" %}
# Hypercorn's supervisor terminates every worker as soon as the first idle one has exited,
# whatever --graceful-timeout says: in-flight requests are cut off (see README).
{%- if cookiecutter.use_channels %}
WEBSOCKET_CLOSE = 1006
{%- endif %}
{%- else %}
# Daphne stops its Twisted reactor at once and has no option to wait: in-flight requests are
# cut off (see README).
{%- if cookiecutter.use_channels %}
WEBSOCKET_CLOSE = 1006
{%- endif %}
{%- endif %}


@pytest.fixture
def live(serve: Serve):
    with serve(DJANGO_SETTINGS_MODULE="tests.shutdown_settings") as server:
        yield server


async def exit_status(server: Server) -> int:
    return await asyncio.to_thread(server.process.wait, EXIT_TIMEOUT)


async def read_until(chunks: AsyncIterator[bytes], expected: bytes) -> bytes:
    received = b""
    while len(received) < len(expected):
        received += await anext(chunks)
    return received


async def read_rest(chunks: AsyncIterator[bytes]) -> tuple[bytes, Exception | None]:
    """The rest of a streamed body, and the error that cut it off, if any."""
    received = b""
    try:
        async for chunk in chunks:
            received += chunk
    except httpx.RemoteProtocolError as error:
        return received, error
    return received, None


async def test_sigterm_during_a_slow_request(live: Server):
    async with (
        httpx.AsyncClient(base_url=live.url, timeout=EXIT_TIMEOUT) as client,
        client.stream("GET", "/test/slow/") as response,
    ):
        chunks = response.aiter_raw()
        # The first chunk has arrived: the request is in flight when the signal lands.
        assert await read_until(chunks, FIRST_CHUNK) == FIRST_CHUNK
        live.signal()
        received, error = await read_rest(chunks)

{%- if cookiecutter.asgi_server in ("uvicorn", "granian") %}
    assert (received, error) == (LAST_CHUNK, None), "the request did not finish"
{%- else %}
    assert isinstance(error, httpx.RemoteProtocolError), "the request was not cut off"
    assert LAST_CHUNK not in received
{%- endif %}
    # Exit status 0: every server here exits cleanly after SIGTERM under its supervisor.
    assert await exit_status(live) == 0
{%- if cookiecutter.use_channels %}


async def test_sigterm_closes_open_websockets(live: Server):
    ws_url = live.url.replace("http://", "ws://") + "/ws/rooms/lobby/"
    async with websockets.connect(ws_url, origin=live.url, open_timeout=EXIT_TIMEOUT) as ws:
        history = json.loads(await ws.recv())
        assert history["type"] == "history", "the socket was not open before the signal"
        live.signal()
        await asyncio.wait_for(ws.wait_closed(), EXIT_TIMEOUT)

    assert ws.close_code == WEBSOCKET_CLOSE
    assert await exit_status(live) == 0
{%- endif %}
