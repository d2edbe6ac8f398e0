"""The room consumer through the project's real ASGI application (origin check, auth, routing)."""

import json
import logging

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.project_slug }}.asgi.allowed_origins import OriginValidator
from {{ cookiecutter.project_slug }}.rooms.consumers import (
    CLOSE_LOGIN_REQUIRED,
    CLOSE_NOT_FOUND,
    CLOSE_TOO_BIG,
    CLOSE_UNAVAILABLE,
    HISTORY_SIZE,
)
from {{ cookiecutter.project_slug }}.rooms.models import Message, Room

from config.asgi import application
from tests.api_client import api_client, post_json
from tests.communicators import (
    TIMEOUT,
    allowed_origin,
    close_code,
    communicator,
    group_members,
    member,
    receive,
    receive_type,
)
from tests.strategies import any_text, json_documents

pytestmark = pytest.mark.django_db(transaction=True)

BROADCAST_LOGGER = "{{ cookiecutter.project_slug }}.rooms.groups"


def make_layer_fail(settings, *operations: str) -> None:
    """A fresh layer on which these operations fail as on a layer that cannot reach its store."""
    layer = {"BACKEND": "tests.communicators.UnavailableLayer", "CONFIG": {"failing": operations}}
    settings.CHANNEL_LAYERS = {"default": layer}


async def test_history_is_the_last_50_messages_oldest_first():
    room = await Room.objects.acreate(slug="lobby")
    for number in range(HISTORY_SIZE + 5):
        await Message.objects.acreate(room=room, text=f"message {number}")
    socket = communicator()
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected

    history = await receive(socket)

    assert history["type"] == "history"
    assert history["room"] == "lobby"
    texts = [message["text"] for message in history["messages"]]
    assert texts == [f"message {number}" for number in range(5, HISTORY_SIZE + 5)]
    assert set(history["messages"][0]) == {"id", "room", "author", "text", "created"}
    await socket.disconnect()


async def test_history_of_a_new_room_is_empty_and_leaves_no_room_behind():
    socket = communicator("/ws/rooms/brand-new/")
    assert (await socket.connect(timeout=TIMEOUT))[0]
    assert await receive(socket) == {"type": "history", "room": "brand-new", "messages": []}
    await socket.disconnect()
    assert not await Room.objects.filter(slug="brand-new").aexists()


async def test_a_message_reaches_every_member_and_is_stored():
    async with member() as ann, member() as bob:
        await ann.send_json_to({"text": "  hello, room  "})

        for socket in (ann, bob):
            frame = await receive_type(socket, "message")
            assert frame["type"] == "message"
            assert frame["room"] == "lobby"
            assert frame["author"] == "anonymous"
            assert frame["text"] == "hello, room"
            assert frame["created"]

    stored = await Message.objects.select_related("room").aget(pk=frame["id"])
    assert (stored.room.slug, stored.text) == ("lobby", "hello, room")


async def test_rooms_are_separate():
    async with member("/ws/rooms/one/") as one, member("/ws/rooms/two/") as two:
        await one.send_json_to({"text": "only for room one"})
        assert (await receive_type(one, "message"))["text"] == "only for room one"
        assert await two.receive_nothing(timeout=0.3)


async def test_members_hear_joins_and_leaves():
    async with member() as ann:
        async with member():
            assert await receive(ann) == {"type": "join", "room": "lobby", "author": "anonymous"}
        assert await receive(ann) == {"type": "leave", "room": "lobby", "author": "anonymous"}


async def test_disconnect_leaves_the_group():
    async with member():
        async with member():
            assert len(await group_members("lobby")) == 2
        assert len(await group_members("lobby")) == 1
    assert await group_members("lobby") == set()


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ("not json", "JSON"),
        ("", "JSON"),
        ("[1, 2]", "object"),
        ('"text"', "object"),
        ("{}", "text"),
        ('{"text": 5}', "text"),
        ('{"text": "   "}', None),
        (json.dumps({"text": "x" * 2001}), None),
        (b"\x00binary", "Binary"),
        # Hostile documents, each under the frame size limit.
        ("[" * 30000 + "]" * 30000, "nested too deeply"),
        ('{"a":' * 10000 + "1" + "}" * 10000, "nested too deeply"),
        ('{"text": 1e400}', "too large"),
        ('{"text": NaN}', "NaN is not a JSON number"),
        ('{"text": -Infinity}', "-Infinity is not a JSON number"),
        ('{"text": "one", "text": "two"}', "same key twice"),
        ('{"text": ' + "9" * 5000 + "}", "not valid JSON"),
        ('{"text": "nul \\u0000 inside"}', "cannot be stored"),
        ('{"text": "lone \\ud800 surrogate"}', "cannot be stored"),
    ],
    ids=[
        "invalid-json", "empty-frame", "array", "string", "no-text", "text-not-string",
        "blank-text", "text-too-long", "binary", "deep-arrays", "deep-objects", "1e400", "nan",
        "infinity", "duplicate-keys", "5000-digits", "nul", "lone-surrogate",
    ],
)  # fmt: skip
async def test_bad_input_gets_an_error_and_the_socket_stays_open(frame, error):
    async with member() as bob:
        async with member() as ann:
            # send_input, not send_to: send_to refuses an empty text frame.
            key = "bytes" if isinstance(frame, bytes) else "text"
            await ann.send_input({"type": "websocket.receive", key: frame})

            reply = await receive_type(ann, "error")
            assert reply["error"]
            if error:
                assert error in reply["error"]

            await ann.send_json_to({"text": "still here"})
            assert (await receive_type(ann, "message"))["text"] == "still here"
        # Ann's socket closed as sockets do: she left the group, and Bob was told.
        assert (await receive_type(bob, "leave"))["author"] == "anonymous"
    assert await Message.objects.acount() == 1


async def test_a_frame_above_the_size_limit_closes_with_1009(settings):
    settings.WEBSOCKET_MAX_MESSAGE_BYTES = 100
    async with member() as ann:
        await ann.send_to(text_data=json.dumps({"text": "x" * 100}))
        assert await close_code(ann) == CLOSE_TOO_BIG


async def test_anonymous_members_are_refused_with_4401_when_the_setting_says_so(settings):
    settings.ROOMS_ALLOW_ANONYMOUS = False
    socket = communicator()
    connected, _ = await socket.connect(timeout=TIMEOUT)
    # Accepted and then closed, so the browser sees the code (a refused handshake is a bare 1006).
    assert connected
    assert await close_code(socket) == CLOSE_LOGIN_REQUIRED
    assert await group_members("lobby") == set()


async def test_logged_in_members_post_under_their_username_whatever_the_frame_says(settings):
    settings.ROOMS_ALLOW_ANONYMOUS = False
    user = await get_user_model().objects.acreate_user(username="ann", password="unused-here")
    client = AsyncClient()
    await client.aforce_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async with member(cookie=cookie) as ann:
        await ann.send_json_to({"text": "signed", "author": "mallory"})
        frame = await receive(ann)
    assert frame["author"] == "ann"
    assert (await Message.objects.aget(pk=frame["id"])).author_id == user.pk


async def test_an_anonymous_member_cannot_claim_a_name():
    async with member() as visitor:
        await visitor.send_json_to({"text": "hi", "author": "ann"})
        frame = await receive(visitor)
    assert frame["author"] == "anonymous"
    assert (await Message.objects.aget(pk=frame["id"])).author_id is None


@pytest.mark.parametrize(
    "origins",
    [
        [b"http://evil.example"],
        [],
        # The allowed host on another port, or another scheme: another origin.
        [allowed_origin() + b":1"],
        [allowed_origin().replace(b"https://", b"http://")],
        [b"null"],
        [allowed_origin() + b":not-a-port"],
        [allowed_origin() + b"/path"],
        [allowed_origin(), b"http://evil.example"],
    ],
    ids=[
        "foreign", "missing", "another-port", "another-scheme", "null", "malformed-port",
        "with-a-path", "two-origins",
    ],
)  # fmt: skip
async def test_any_other_origin_is_refused(origins: list[bytes]):
    headers = [(b"origin", origin) for origin in origins]
    socket = WebsocketCommunicator(application, "/ws/rooms/lobby/", headers=headers)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert not connected
    await socket.disconnect()


def test_a_malformed_allowed_origin_stops_the_server_from_starting():
    with pytest.raises(ImproperlyConfigured, match=r"'example\.com' is not an origin"):
        OriginValidator(application, ["https://example.com", "example.com"])


@pytest.mark.parametrize(
    "path", ["/ws/elsewhere/", "/ws/rooms/Not_A_Slug/", f"/ws/rooms/{'a' * 51}/"]
)
async def test_unknown_paths_close_with_4404(path):
    socket = communicator(path)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    assert await close_code(socket) == CLOSE_NOT_FOUND


async def test_a_message_posted_to_the_api_is_broadcast():
    async with member() as ann, api_client() as api:
        response = await post_json(api, "/api/rooms/lobby/messages/", {"text": "from http"})
        assert response.status_code == 201
        frame = await receive_type(ann, "message")
    assert frame == {"type": "message", **response.json()}


async def test_a_member_is_refused_with_4503_while_the_layer_is_unavailable(settings):
    make_layer_fail(settings, "group_add")
    socket = communicator()
    connected, _ = await socket.connect(timeout=TIMEOUT)
    # Accepted and then closed, so the page sees the code and retries.
    assert connected
    assert await close_code(socket) == CLOSE_UNAVAILABLE


async def test_a_layer_failing_after_the_handshake_closes_the_socket_with_4503(settings):
    make_layer_fail(settings, "group_send")  # the member's own join announcement
    socket = communicator()
    assert (await socket.connect(timeout=TIMEOUT))[0]
    assert (await receive(socket))["type"] == "history"
    assert await close_code(socket) == CLOSE_UNAVAILABLE


async def test_a_message_posted_while_the_layer_is_unavailable_is_stored(settings, caplog):
    make_layer_fail(settings, "group_send")
    with caplog.at_level(logging.WARNING, logger=BROADCAST_LOGGER):
        async with api_client() as api:
            response = await post_json(api, "/api/rooms/lobby/messages/", {"text": "kept"})

    assert response.status_code == 201, response.text
    assert await Message.objects.filter(room__slug="lobby", text="kept").aexists()
    records = [(r.levelname, r.exc_info) for r in caplog.records if r.name == BROADCAST_LOGGER]
    assert records == [("WARNING", None)], "logged once, without a traceback"


@given(
    frame=st.one_of(
        json_documents.map(json.dumps),
        any_text,
        st.binary(),
    )
)
async def test_whatever_a_client_sends_it_gets_an_error_or_its_message_and_stays(frame):
    async with member() as ann:
        key = "bytes" if isinstance(frame, bytes) else "text"
        await ann.send_input({"type": "websocket.receive", key: frame})

        reply = await receive(ann)
        if reply["type"] == "message":
            assert isinstance(json.loads(frame)["text"], str)
        else:
            assert set(reply) == {"type", "error"}
            assert reply["type"] == "error"
            assert isinstance(reply["error"], str)
            assert reply["error"]
        await ann.send_json_to({"text": "still here"})
        assert (await receive_type(ann, "message"))["text"] == "still here"
