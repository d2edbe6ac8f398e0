"""The WebSocket closer (config/asgi.py): 1001 for open sockets on SIGTERM, 403 on refusal.

tests/test_shutdown.py signals the real server with a socket open.
"""

import asyncio
import signal

import pytest

from {{ cookiecutter.project_slug }}.asgi.websocket_closer import GOING_AWAY, WebSocketCloser

from tests.server import EXIT_TIMEOUT


async def test_the_closer_closes_accepted_sockets_and_silences_their_consumers():
    sent: list[dict] = []
    consumer_may_send = asyncio.Event()

    async def consumer(scope, receive, send):
        await send({"type": "websocket.accept"})
        await consumer_may_send.wait()
        await send({"type": "websocket.send", "text": "too late"})

    async def server_send(message):
        sent.append(message)

    middleware = WebSocketCloser(consumer)
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
        middleware = WebSocketCloser(consumer)
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
    scope = {"type": "websocket", "extensions": extensions}
    await WebSocketCloser(denier)(scope, None, server_send)

    if offered:
        assert [(m["type"], m.get("status")) for m in sent] == [
            ("websocket.http.response.start", 403),
            ("websocket.http.response.body", None),
        ]
    else:
        assert sent == [{"type": "websocket.close"}] * 2
