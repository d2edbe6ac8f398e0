"""The tests' Redis (REDIS_URL), and a switch in front of it that plays an outage.

The switch is a TCP proxy the test cuts and restores, so the shared Redis server itself is never
stopped.
"""

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not os.getenv("REDIS_URL"):
        raise pytest.UsageError(
            "The tests need a real Redis: set REDIS_URL, e.g. redis://localhost:6379/0."
        )


class RedisSwitch:
    """A TCP proxy to Redis with an off switch: stop() refuses and cuts every connection."""

    def __init__(self, url: str) -> None:
        self.target = urlsplit(url)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.pipes: set[asyncio.Task] = set()

    @property
    def url(self) -> str:
        return urlunsplit(self.target._replace(netloc=f"127.0.0.1:{self.port}"))

    async def start(self) -> None:
        self.server = await asyncio.start_server(self.connect, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for pipe in self.pipes:
            pipe.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)
        await self.server.wait_closed()

    async def connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await asyncio.open_connection(self.target.hostname, self.target.port or 6379)
        for source, sink in ((reader, upstream[1]), (upstream[0], writer)):
            pipe = asyncio.ensure_future(self.pipe(source, sink))
            self.pipes.add(pipe)
            pipe.add_done_callback(self.pipes.discard)

    @staticmethod
    async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()


@pytest.fixture
async def switch(settings) -> AsyncIterator[RedisSwitch]:
    proxy = RedisSwitch(settings.REDIS_URL)
    await proxy.start()
    yield proxy
    with contextlib.suppress(AssertionError):
        await proxy.stop()
