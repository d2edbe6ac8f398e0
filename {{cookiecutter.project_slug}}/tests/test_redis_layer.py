"""The channel layer on a real Redis (rooms/redis_layer.py), and the rooms while Redis is away."""

import copy
import logging

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

from {{ cookiecutter.project_slug }}.rooms.consumers import CLOSE_UNAVAILABLE
from {{ cookiecutter.project_slug }}.rooms.models import Message

from tests.api_client import api_client, post_json
from tests.communicators import TIMEOUT, close_code, communicator, member, receive_type
from tests.plugins.redis_service import RedisSwitch

LAYER_LOGGER = "{{ cookiecutter.project_slug }}.rooms.redis_layer"
BROADCAST_LOGGER = "{{ cookiecutter.project_slug }}.rooms.groups"


@pytest.fixture
def layer_through(settings):
    """Points the channel layer at a proxy (keeping every other option of the real config)."""

    def use(switch: RedisSwitch) -> None:
        layers = copy.deepcopy(settings.CHANNEL_LAYERS)
        layers["default"]["CONFIG"]["hosts"][0]["address"] = switch.url
        settings.CHANNEL_LAYERS = layers

    return use


def test_redis_reads_outlast_the_layers_blocking_wait(settings):
    # Otherwise an idle member's read times out before Redis answers it (tests/test_cross_process.py
    # proves the consequence on a real Redis).
    (host,) = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout


@pytest.mark.django_db(transaction=True)
async def test_websockets_close_with_4503_while_redis_is_down_and_recover(
    switch: RedisSwitch, layer_through, caplog
):
    # A layer of its own: this outage starts fresh, whatever earlier tests did.
    layer_through(switch)
    layer = get_channel_layer()
    with caplog.at_level(logging.WARNING, logger=LAYER_LOGGER):
        async with member() as ann:
            await switch.stop()
            # A member already connected is told, with the same code.
            assert await close_code(ann) == CLOSE_UNAVAILABLE
            for _ in range(3):
                socket = communicator()
                assert (await socket.connect(timeout=TIMEOUT))[0]
                assert await close_code(socket) == CLOSE_UNAVAILABLE
            records = [(r.levelname, r.exc_info) for r in caplog.records if r.name == LAYER_LOGGER]
            assert records == [("ERROR", None)], "an outage is logged once, without a traceback"

        await switch.start()
        async with member() as bob:
            await bob.send_json_to({"text": "back"})
            assert (await receive_type(bob, "message"))["text"] == "back"
    assert get_channel_layer() is layer, "the same layer recovered, nothing was restarted"
    assert [r.levelname for r in caplog.records if r.name == LAYER_LOGGER] == ["ERROR", "WARNING"]


@pytest.mark.django_db(transaction=True)
async def test_a_message_posted_while_redis_is_down_is_stored(
    switch: RedisSwitch, layer_through, caplog
):
    layer_through(switch)
    await switch.stop()
    with caplog.at_level(logging.WARNING, logger=BROADCAST_LOGGER):
        async with api_client() as api:
            response = await post_json(api, "/api/rooms/outage/messages/", {"text": "kept"})

    assert response.status_code == 201, response.text
    assert await Message.objects.filter(room__slug="outage", text="kept").aexists()
    records = [(r.levelname, r.exc_info) for r in caplog.records if r.name == BROADCAST_LOGGER]
    assert records == [("WARNING", None)], "logged once, without a traceback"
