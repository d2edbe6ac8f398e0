"""SIGTERM, as a deploy sends it, to the real server that `bin/serve prod` starts.

What each server does was measured, not assumed; the README's "Graceful shutdown" section says
the same. The slow view lives in tests/shutdown_urls.py: the product itself has no slow URL.
"""

import asyncio
{%- if cookiecutter.use_channels %}
import json
{%- endif %}
{%- if cookiecutter.use_channels %}
import signal
{%- endif %}
{%- if cookiecutter.asgi_server in ("granian", "hypercorn") %}
import time
{%- endif %}
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager

import httpx
import pytest
{%- if cookiecutter.use_channels %}
import websockets
{%- endif %}

{%- if cookiecutter.use_channels %}

from {{ cookiecutter.project_slug }}.core.going_away import GOING_AWAY, GoingAway
{%- endif %}

from tests.server import {% if cookiecutter.asgi_server == "hypercorn" %}LISTENING, {% endif %}PLAIN_HTTP, Server, wait_for_members
from tests.shutdown_urls import FIRST_CHUNK, LAST_CHUNK

Serve = Callable[..., AbstractContextManager[Server]]

# Well above the slow request and the server's own drain timeout: a hung server fails the test.
EXIT_TIMEOUT = 30
{%- if cookiecutter.asgi_server == "uvicorn" %}
# Gunicorn's arbiter lets its uvicorn workers finish their requests, then exits 0.
{%- if cookiecutter.use_channels %}
# config/asgi.py's GoingAway closes them before uvicorn would (with 1012, service restart).
WEBSOCKET_CLOSE = GOING_AWAY
{%- endif %}
{%- elif cookiecutter.asgi_server == "granian" %}
# Granian lets its workers finish their requests, then exits 0.
{%- if cookiecutter.use_channels %}
# config/asgi.py's GoingAway closes them before Granian would drop them without a close frame.
WEBSOCKET_CLOSE = GOING_AWAY
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

# Two workers, as on a production machine: how some servers stop depends on it (README).
WORKERS = 2


@pytest.fixture
def live(serve: Serve):
    settings = "tests.shutdown_settings"
    with serve(DJANGO_SETTINGS_MODULE=settings, WEB_CONCURRENCY=str(WORKERS)) as server:
        # The server's own process and a process per worker (some servers add a helper process
        # of their own): bin/serve passed WEB_CONCURRENCY on.
        members = wait_for_members(server.process.pid, WORKERS + 1)
        assert len(members) >= WORKERS + 1, f"{WORKERS} workers gave {len(members)} process(es)"
{%- if cookiecutter.asgi_server in ("granian", "hypercorn") %}
        wait_for_every_worker(server)
{%- endif %}
        yield server
{%- if cookiecutter.asgi_server in ("granian", "hypercorn") %}


def wait_for_every_worker(server: Server) -> None:
{%- if cookiecutter.asgi_server == "granian" %}
    """Granian misses a SIGTERM that lands while a worker is still starting, then waits for that
    worker forever (see README): these tests signal a server whose workers are all up."""
{%- else %}
    """/health/ answers once one worker is up. A worker still starting when the signal lands
    exits last, so the busy one could finish before Hypercorn stops them all: these tests signal
    a server whose workers are all up, as a deployed one is."""
{%- endif %}
    deadline = time.monotonic() + EXIT_TIMEOUT
    while time.monotonic() < deadline:
        log = server.log()
{%- if cookiecutter.asgi_server == "granian" %}
        if log.count("Started worker-") == log.count("Spawning worker-"):
{%- else %}
        if log.count(LISTENING) == WORKERS:
{%- endif %}
            return
        time.sleep(0.1)
    raise AssertionError(f"not every worker started:\n{server.log()}")
{%- endif %}


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
        httpx.AsyncClient(base_url=live.url, timeout=EXIT_TIMEOUT, verify=PLAIN_HTTP) as client,
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


async def test_going_away_closes_accepted_sockets_and_silences_their_consumers():
    sent: list[dict] = []
    consumer_may_send = asyncio.Event()

    async def consumer(scope, receive, send):
        await send({"type": "websocket.accept"})
        await consumer_may_send.wait()
        await send({"type": "websocket.send", "text": "too late"})

    async def server_send(message):
        sent.append(message)

    middleware = GoingAway(consumer)
    connection = asyncio.create_task(middleware({"type": "websocket"}, None, server_send))
    await asyncio.sleep(0)
    await asyncio.wait(middleware.close_all())
    consumer_may_send.set()
    await connection

    assert sent == [
        {"type": "websocket.accept"},
        {"type": "websocket.close", "code": GOING_AWAY},
    ]
    assert not middleware.sockets


async def test_the_servers_own_sigterm_handler_runs_once_the_close_frames_are_out():
    """Run together, the server could close the socket first, with its own code (uvicorn: 1012)."""
    sent: list[dict] = []
    sent_when_the_server_heard: list[list[dict]] = []
    accepted = asyncio.Event()
    server_stopping = asyncio.Event()
    loop = asyncio.get_running_loop()

    def servers_handler(signum, frame):
        sent_when_the_server_heard.append(list(sent))
        loop.call_soon_threadsafe(server_stopping.set)

    async def consumer(scope, receive, send):
        await send({"type": "websocket.accept"})
        accepted.set()
        await server_stopping.wait()

    async def server_send(message):
        await asyncio.sleep(0.01)  # a close handshake takes a round trip
        sent.append(message)

    original = signal.signal(signal.SIGTERM, servers_handler)
    try:
        middleware = GoingAway(consumer)
        connection = asyncio.create_task(middleware({"type": "websocket"}, None, server_send))
        await asyncio.wait_for(accepted.wait(), EXIT_TIMEOUT)
        middleware.close_on_sigterm()
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(connection, EXIT_TIMEOUT)
    finally:
        signal.signal(signal.SIGTERM, original)

    closed = [{"type": "websocket.accept"}, {"type": "websocket.close", "code": GOING_AWAY}]
    assert sent_when_the_server_heard == [closed]


@pytest.mark.parametrize("offered", [True, False])
async def test_a_refused_handshake_is_a_403_at_once_where_the_server_offers_it(offered: bool):
    sent: list[dict] = []

    async def denier(scope, receive, send):  # what AllowedHostsOriginValidator does
        await send({"type": "websocket.close"})
        await send({"type": "websocket.close"})  # a consumer closing again is silenced

    async def server_send(message):
        sent.append(message)

    extensions = {"websocket.http.response": {}} if offered else {}
    await GoingAway(denier)({"type": "websocket", "extensions": extensions}, None, server_send)

    if offered:
        assert [(m["type"], m.get("status")) for m in sent] == [
            ("websocket.http.response.start", 403),
            ("websocket.http.response.body", None),
        ]
    else:
        assert sent == [{"type": "websocket.close"}] * 2
{%- endif %}
