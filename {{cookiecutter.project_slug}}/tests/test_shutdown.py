"""SIGTERM, as a deploy sends it, to the real server that `bin/serve prod` starts.

What each server does is in tests/server_behaviour.py; the README's "Graceful shutdown" section
says the same. The slow view lives in tests/shutdown_urls.py: the product itself has no slow URL.
"""

from collections.abc import AsyncIterator

import httpx

from tests.server import EXIT_TIMEOUT, PLAIN_HTTP, Server, exit_status
from tests.server_behaviour import SERVER
from tests.shutdown_urls import FIRST_CHUNK, LAST_CHUNK


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


async def test_sigterm_during_a_slow_request(stopping_server: Server):
    url = stopping_server.url
    async with (
        httpx.AsyncClient(base_url=url, timeout=EXIT_TIMEOUT, verify=PLAIN_HTTP) as client,
        client.stream("GET", "/test/slow/") as response,
    ):
        chunks = response.aiter_raw()
        # The first chunk has arrived: the request is in flight when the signal lands.
        assert await read_until(chunks, FIRST_CHUNK) == FIRST_CHUNK
        stopping_server.signal()
        received, error = await read_rest(chunks)

    if SERVER.drains_requests:
        assert (received, error) == (LAST_CHUNK, None), "the request did not finish"
    else:
        assert isinstance(error, httpx.RemoteProtocolError), "the request was not cut off"
        assert LAST_CHUNK not in received
    # Exit status 0: every server here exits cleanly after SIGTERM under its supervisor.
    assert await exit_status(stopping_server) == 0
