"""Redis for real (REDIS_URL): the cache, and what happens while Redis is away.

An outage is played by a TCP proxy in front of the real Redis that the test cuts and restores,
so the shared Redis server itself is never stopped.
"""

import asyncio
import contextlib
{%- if cookiecutter.use_channels %}
import copy
import logging
{%- endif %}
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis.asyncio as redis
{%- if cookiecutter.use_channels %}
from channels.layers import get_channel_layer
{%- endif %}
from django.core.cache import cache
from django.test import AsyncClient
{%- if cookiecutter.use_channels %}

from {{ cookiecutter.project_slug }}.rooms import consumers
from {{ cookiecutter.project_slug }}.rooms.consumers import CLOSE_UNAVAILABLE
from {{ cookiecutter.project_slug }}.rooms.models import Message

from tests.communicators import TIMEOUT, close_code, communicator, member, receive_type
{%- endif %}


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


async def test_the_cache_lives_in_redis(settings):
    key = f"test-{uuid.uuid4().hex}"
    await cache.aset(key, "value", timeout=30)
    client = redis.from_url(settings.REDIS_URL)
    try:
        stored = await client.keys(f"*{key}")
    finally:
        await client.aclose()
    assert [name.decode() for name in stored] == [cache.make_key(key)]
    assert await cache.aget(key) == "value"
    await cache.adelete(key)


@pytest.mark.django_db
async def test_health_names_redis_while_it_is_down_and_recovers(switch, settings):
    settings.REDIS_URL = switch.url
    client = AsyncClient()
    assert (await client.get("/health/")).status_code == 200

    await switch.stop()
    down = await client.get("/health/")
    assert down.status_code == 503
    assert down.json()["checks"]["redis"]["status"] == "error"

    await switch.start()
    assert (await client.get("/health/")).status_code == 200
{%- if cookiecutter.use_channels %}


@pytest.fixture
def layer_through(settings):
    """Points the channel layer at a proxy (keeping every other option of the real config)."""

    def use(switch: RedisSwitch) -> None:
        layers = copy.deepcopy(settings.CHANNEL_LAYERS)
        layers["default"]["CONFIG"]["hosts"][0]["address"] = switch.url
        settings.CHANNEL_LAYERS = layers

    return use


@pytest.mark.django_db(transaction=True)
async def test_websockets_close_with_4503_while_redis_is_down_and_recover(
    switch, layer_through, caplog, monkeypatch
):
    layer_through(switch)
    layer = get_channel_layer()
    # Whatever earlier tests did to the process-wide outage state, this outage starts fresh.
    monkeypatch.setattr(consumers, "outage", consumers.LayerOutage())
    logger = "{{ cookiecutter.project_slug }}.rooms.consumers"
    with caplog.at_level(logging.WARNING, logger=logger):
        async with member() as ann:
            await switch.stop()
            # A member already connected is told, with the same code.
            assert await close_code(ann) == CLOSE_UNAVAILABLE
            for _ in range(3):
                socket = communicator()
                assert (await socket.connect(timeout=TIMEOUT))[0]
                assert await close_code(socket) == CLOSE_UNAVAILABLE
            records = [(r.levelname, r.exc_info) for r in caplog.records if r.name == logger]
            assert records == [("ERROR", None)], "an outage is logged once, without a traceback"

        await switch.start()
        async with member() as bob:
            await bob.send_json_to({"text": "back"})
            assert (await receive_type(bob, "message"))["text"] == "back"
    assert get_channel_layer() is layer, "the same layer recovered, nothing was restarted"
    assert [r.levelname for r in caplog.records if r.name == logger] == ["ERROR", "WARNING"]


@pytest.mark.django_db(transaction=True)
async def test_a_message_posted_while_redis_is_down_is_stored(switch, layer_through, caplog):
    layer_through(switch)
    await switch.stop()
    logger = "{{ cookiecutter.project_slug }}.rooms.services"
    with caplog.at_level(logging.WARNING, logger=logger):
        response = await AsyncClient().post(
            "/api/rooms/outage/messages/", {"text": "kept"}, content_type="application/json"
        )

    assert response.status_code == 201, response.content
    assert await Message.objects.filter(room__slug="outage", text="kept").aexists()
    records = [(r.levelname, r.exc_info) for r in caplog.records if r.name == logger]
    assert records == [("WARNING", None)], "logged once, without a traceback"
{%- endif %}
