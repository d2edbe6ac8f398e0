"""`/api/rooms/<slug>/messages/` through Django's AsyncClient and the whole middleware stack."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import AsyncClient
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.project_slug }}.rooms.api import PAGE_SIZE
from {{ cookiecutter.project_slug }}.rooms.models import MAX_MESSAGE_LENGTH, Message, Room

from tests.strategies import json_documents

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/rooms/lobby/messages/"


async def post_json(client: AsyncClient, url: str, payload: object, **extra):
    return await client.post(url, json.dumps(payload), content_type="application/json", **extra)


async def add_messages(slug: str, count: int) -> None:
    room, _ = await Room.objects.aget_or_create(slug=slug)
    await Message.objects.abulk_create(
        Message(room=room, text=f"message {number}") for number in range(count)
    )


async def test_an_unknown_room_has_no_messages_and_is_not_created(async_client: AsyncClient):
    response = await async_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert not await Room.objects.filter(slug="lobby").aexists()


async def test_posting_creates_the_room_and_answers_with_the_message(async_client: AsyncClient):
    response = await post_json(async_client, URL, {"text": "  hello  "})

    assert response.status_code == 201
    body = response.json()
    assert body["room"] == "lobby"
    assert body["author"] == "anonymous"
    assert body["text"] == "hello"
    message = await Message.objects.select_related("room").aget(pk=body["id"])
    assert message.room.slug == "lobby"
    assert body == message.as_dict("lobby")


async def test_the_author_is_the_logged_in_user_whatever_the_body_says(async_client: AsyncClient):
    user = await get_user_model().objects.acreate_user("ada", password="unused-password-1")
    await async_client.aforce_login(user)

    response = await post_json(async_client, URL, {"text": "hi", "author": "mallory"})

    assert response.status_code == 201
    assert response.json()["author"] == "ada"
    message = await Message.objects.aget(pk=response.json()["id"])
    assert message.author_id == user.pk


async def test_an_anonymous_author_cannot_claim_a_name(async_client: AsyncClient):
    await get_user_model().objects.acreate_user("ada", password="unused-password-1")

    response = await post_json(async_client, URL, {"text": "hi", "author": "ada"})

    assert response.status_code == 201
    assert response.json()["author"] == "anonymous"
    assert (await Message.objects.aget(pk=response.json()["id"])).author_id is None


async def test_anonymous_posts_are_refused_when_the_setting_says_so(
    async_client: AsyncClient, settings
):
    settings.ROOMS_ALLOW_ANONYMOUS = False

    response = await post_json(async_client, URL, {"text": "let me in"})

    assert response.status_code == 403
    assert response.json() == {"errors": {"__all__": ["Log in to post in this room."]}}
    assert not await Message.objects.aexists()
    # Reading stays public.
    assert (await async_client.get(URL)).status_code == 200


async def test_logged_in_users_post_when_anonymous_posts_are_refused(
    async_client: AsyncClient, settings
):
    settings.ROOMS_ALLOW_ANONYMOUS = False
    user = await get_user_model().objects.acreate_user("ada", password="unused-password-1")
    await async_client.aforce_login(user)

    response = await post_json(async_client, URL, {"text": "signed"})

    assert response.status_code == 201
    assert response.json()["author"] == "ada"


async def test_the_list_is_newest_first(async_client: AsyncClient):
    for text in ("first", "second", "third"):
        assert (await post_json(async_client, URL, {"text": text})).status_code == 201

    body = (await async_client.get(URL)).json()

    assert [message["text"] for message in body["results"]] == ["third", "second", "first"]
    assert body["count"] == 3


async def test_rooms_do_not_mix(async_client: AsyncClient):
    await post_json(async_client, URL, {"text": "in the lobby"})
    await post_json(async_client, "/api/rooms/kitchen/messages/", {"text": "in the kitchen"})

    body = (await async_client.get(URL)).json()

    assert [message["text"] for message in body["results"]] == ["in the lobby"]


async def test_pages_link_to_each_other(async_client: AsyncClient):
    await add_messages("lobby", PAGE_SIZE + 5)

    first = (await async_client.get(URL)).json()
    second = (await async_client.get(first["next"])).json()

    assert first["count"] == second["count"] == PAGE_SIZE + 5
    assert len(first["results"]) == PAGE_SIZE
    assert first["previous"] is None
    assert first["next"] == f"http://testserver{URL}?page=2"
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert second["previous"] == f"http://testserver{URL}?page=1"
    ids = [message["id"] for message in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == PAGE_SIZE + 5


@pytest.mark.parametrize("page", ["0", "-1", "two", ""])
async def test_a_malformed_page_is_a_400(async_client: AsyncClient, page: str):
    response = await async_client.get(URL, {"page": page})

    assert response.status_code == 400
    assert "page" in response.json()["errors"]


async def test_a_page_past_the_end_is_a_404(async_client: AsyncClient):
    await add_messages("lobby", 1)

    response = await async_client.get(URL, {"page": "2"})

    assert response.status_code == 404
    assert "page" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param("not json", "__all__", id="not-json"),
        pytest.param(b"\xff\xfe", "__all__", id="not-utf8"),
        pytest.param(json.dumps(["text"]), "__all__", id="not-an-object"),
        pytest.param(json.dumps({}), "text", id="missing-text"),
        pytest.param(json.dumps({"text": 42}), "text", id="not-a-string"),
        pytest.param(json.dumps({"text": "   "}), "text", id="blank"),
        pytest.param(json.dumps({"text": "x" * (MAX_MESSAGE_LENGTH + 1)}), "text", id="too-long"),
        # Hostile documents: the same 400, never a 500.
        pytest.param("[" * 30000 + "]" * 30000, "__all__", id="deep-arrays"),
        pytest.param('{"a":' * 10000 + "1" + "}" * 10000, "__all__", id="deep-objects"),
        pytest.param('{"text": 1e400}', "__all__", id="1e400"),
        pytest.param('{"text": NaN}', "__all__", id="nan"),
        pytest.param('{"text": Infinity}', "__all__", id="infinity"),
        pytest.param('{"text": "one", "text": "two"}', "__all__", id="duplicate-keys"),
        pytest.param('{"text": ' + "9" * 5000 + "}", "__all__", id="5000-digits"),
        pytest.param(b'\xef\xbb\xbf{"text": "bom"}', "__all__", id="byte-order-mark"),
        pytest.param('{"text": "nul \\u0000 inside"}', "text", id="nul"),
        pytest.param('{"text": "lone \\ud800 surrogate"}', "text", id="lone-surrogate"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(
    async_client: AsyncClient, body: str | bytes, field: str
):
    response = await async_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])
    assert await Message.objects.acount() == 0


@given(body=st.one_of(json_documents.map(lambda value: json.dumps(value).encode()), st.binary()))
async def test_whatever_a_client_posts_it_gets_a_201_or_a_400_saying_why(body: bytes):
    response = await AsyncClient().post(URL, body, content_type="application/json")

    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        assert isinstance(json.loads(body)["text"], str)
        return
    assert set(response.json()) == {"errors"}
    errors = response.json()["errors"]
    assert errors
    for field, messages in errors.items():
        assert field in {"__all__", "text"}
        assert messages
        assert all(isinstance(message, str) and message for message in messages)


async def test_a_body_over_the_upload_limit_is_a_413_in_the_same_shape(
    async_client: AsyncClient, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = await post_json(async_client, URL, {"text": "x" * 200})

    assert response.status_code == 413
    assert list(response.json()["errors"]) == ["__all__"]
    assert await Message.objects.acount() == 0


async def test_the_longest_message_is_accepted(async_client: AsyncClient):
    response = await post_json(async_client, URL, {"text": "x" * MAX_MESSAGE_LENGTH})

    assert response.status_code == 201


@pytest.mark.parametrize("slug", ["Lobby", "two--dashes", "-edge", "under_score", "x" * 51])
async def test_a_slug_no_room_can_have_is_a_404(async_client: AsyncClient, slug: str):
    response = await async_client.get(f"/api/rooms/{slug}/messages/")

    assert response.status_code == 404


async def test_other_methods_are_refused(async_client: AsyncClient):
    response = await async_client.delete(URL)

    assert response.status_code == 405


async def test_csrf_is_enforced():
    client = AsyncClient(enforce_csrf_checks=True)

    refused = await post_json(client, URL, {"text": "no token"})
    page = await client.get("/rooms/lobby/")
    # Where room.js reads it.
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.content.decode())[1]
    accepted = await post_json(client, URL, {"text": "with token"}, headers={"X-CSRFToken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert [message.text async for message in Message.objects.all()] == ["with token"]
