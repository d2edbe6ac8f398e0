"""SIGTERM, as a deploy sends it, to the real server that `bin/serve prod` starts.

Every server drains: it stops accepting, closes WebSockets with 1001, finishes the requests in
flight on each of its workers, cuts those still running GRACEFUL_TIMEOUT seconds after the
signal, and exits. The slow view lives in tests/shutdown_urls.py: the product has no slow URL.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
from django.conf import settings

from tests.conftest import STOPPING_SERVER_GRACE
from tests.server import EXIT_TIMEOUT, PLAIN_HTTP, STOP_TIMEOUT, Server, exit_status
from tests.shutdown_urls import FIRST_CHUNK, LAST_CHUNK

# Requests in flight when the signal lands, each on its own connection. Of different lengths:
# a server that stops its workers when the first of them is idle cuts the longer one.
DRAINED_SECONDS = (0.5, 2.0)
# Longer than the grace period: cut when it ends.
CUT_SECONDS = 60.0
GOING_AWAY = 1001


async def read_until(chunks: AsyncIterator[bytes], expected: bytes) -> bytes:
    received = b""
    while len(received) < len(expected):
        received += await anext(chunks)
    return received


async def read_rest(chunks: AsyncIterator[bytes]) -> bytes | Exception:
    """The rest of a streamed body, or the error that cut it off."""
    received = b""
    try:
        async for chunk in chunks:
            received += chunk
    except httpx.TransportError as error:
        return error
    return received


async def refuses_new_connections(url: str) -> bool:
    """Whether new connections are soon refused; False if one is accepted and left hanging.

    A connection the server accepted as the signal came may be answered, or closed unanswered
    (Granian): either way the client is not kept waiting, and the next one is refused.
    """
    deadline = time.monotonic() + STOP_TIMEOUT
    async with httpx.AsyncClient(timeout=1, verify=PLAIN_HTTP) as fresh:
        while time.monotonic() < deadline:
            try:
                # A new connection each time: the pool's would be kept alive.
                await fresh.get(f"{url}/health/", headers={"Connection": "close"})
            except httpx.ConnectError:
                return True
            except httpx.TimeoutException:
                return False
            except (httpx.RemoteProtocolError, httpx.ReadError):
                pass  # closed unanswered, or reset when the listening socket closed
            await asyncio.sleep(0.05)  # accepted before the signal took effect: try again
    return False


async def test_sigterm_drains_every_worker_then_exits(stopping_server: Server):
    url = stopping_server.url
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=url, timeout=EXIT_TIMEOUT, verify=PLAIN_HTTP)
        )
        requests = []
        for seconds in (*DRAINED_SECONDS, CUT_SECONDS):
            response = await stack.enter_async_context(
                client.stream("GET", "/test/slow/", params={"seconds": seconds})
            )
            chunks = response.aiter_raw()
            # The first chunk has arrived: the request is in flight when the signal lands.
            assert await read_until(chunks, FIRST_CHUNK) == FIRST_CHUNK
            requests.append(chunks)
        socket = None
        if "channels" in settings.INSTALLED_APPS:
            # Only projects with Channels have WebSockets, and the client library.
            import websockets

            ws_url = f"{url.replace('http', 'ws', 1)}/ws/rooms/lobby/"
            socket = await stack.enter_async_context(
                websockets.connect(ws_url, origin=url, open_timeout=EXIT_TIMEOUT)
            )
            assert json.loads(await socket.recv())["type"] == "history", "the socket is open"

        signalled = time.monotonic()
        stopping_server.signal()
        if socket is not None:
            await asyncio.wait_for(socket.wait_closed(), EXIT_TIMEOUT)
            assert socket.close_code == GOING_AWAY
        assert await refuses_new_connections(url), "a connection was accepted during the drain"
        *drained, cut = await asyncio.gather(*(read_rest(chunks) for chunks in requests))
        cut_after = time.monotonic() - signalled

    assert drained == [LAST_CHUNK] * len(DRAINED_SECONDS), "a request in flight was cut"
    assert isinstance(cut, httpx.TransportError), "the request outlasting the grace period ran on"
    assert STOPPING_SERVER_GRACE <= cut_after < STOPPING_SERVER_GRACE + STOP_TIMEOUT
    await exit_status(stopping_server)
