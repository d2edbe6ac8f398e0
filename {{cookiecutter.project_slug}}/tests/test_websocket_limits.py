"""The WebSocket's limits: messages per user or socket, and open sockets per client address.

Through the project's real ASGI application; tests/test_websocket_server.py sends a flood
through the real server. The cache outlives a test: each test uses client addresses of its own.
"""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import AsyncClient

from {{ cookiecutter.project_slug }}.rooms.consumers import CLOSE_POLICY_VIOLATION
from {{ cookiecutter.project_slug }}.rooms.models import Message

from tests.addresses import an_address
from tests.communicators import TIMEOUT, close_code, communicator, member, receive, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("still_clock")
async def test_a_flooding_socket_is_told_then_closed_while_another_is_still_heard(settings):
    settings.RATE_LIMIT_WEBSOCKET_MESSAGES = (3, 60)
    async with member() as flooder, member() as other:
        replies = []
        for number in range(6):
            await flooder.send_json_to({"text": f"flood {number}"})
            replies.append(await receive_type(flooder, "message" if number < 3 else "error"))
        # Twice the limit in one window: the socket is closed, the message dropped.
        await flooder.send_json_to({"text": "one too many"})
        assert await close_code(flooder) == CLOSE_POLICY_VIOLATION

        await other.send_json_to({"text": "still heard"})
        heard = await receive_type(other, "message")
        while heard["text"] != "still heard":  # the flood reached this member of the room too
            heard = await receive_type(other, "message")

    errors = replies[3:]
    assert [error["code"] for error in errors] == ["rate_limited"] * 3
    assert all(1 <= error["retry_after"] <= 60 for error in errors)
    assert all(error["error"].startswith("Too many messages") for error in errors)
    texts = [text async for text in Message.objects.values_list("text", flat=True)]
    assert sorted(texts) == ["flood 0", "flood 1", "flood 2", "still heard"]


@pytest.mark.usefixtures("still_clock")
async def test_a_user_is_limited_on_every_socket(settings):
    settings.RATE_LIMIT_WEBSOCKET_MESSAGES = (2, 60)
    user = await get_user_model().objects.acreate_user(f"member-{uuid.uuid4().hex[:8]}")
    client = AsyncClient()
    await client.aforce_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async with member(cookie=cookie) as first, member(cookie=cookie) as second:
        for socket in (first, second):
            await socket.send_json_to({"text": "hello"})
            await receive_type(socket, "message")
        await second.send_json_to({"text": "a third one"})
        assert (await receive_type(second, "error"))["code"] == "rate_limited"


async def test_too_many_sockets_from_one_address_are_refused(settings):
    settings.WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT = 2
    crowded, other = an_address(), an_address()
    async with member(client=crowded), member(client=crowded) as second:
        refused = communicator(client=crowded)
        connected, _ = await refused.connect(timeout=TIMEOUT)
        assert not connected

        async with member(client=other):
            pass  # another address still gets in

        await second.disconnect()
        # A closed socket gives its slot back.
        again = communicator(client=crowded)
        assert (await again.connect(timeout=TIMEOUT))[0]
        assert (await receive(again))["type"] == "history"
        await again.disconnect()
