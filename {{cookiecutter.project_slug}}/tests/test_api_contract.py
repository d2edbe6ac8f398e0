"""The messages API's contract, the same whichever framework serves it.

Each request goes through the project's ASGI application (config.asgi), in process, as a server
would hand it over: the framework's routing, Django's middleware and the error mapping are all
on the way. Nothing here depends on the framework.
"""

import json
import logging
import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import AsyncClient
from hypothesis import given
from hypothesis import strategies as st

from {{ cookiecutter.project_slug }}.api.pages import PAGE_SIZE
from {{ cookiecutter.project_slug }}.log_format import RequestIDFilter
from {{ cookiecutter.project_slug }}.rooms.models import MAX_MESSAGE_LENGTH, Message, Room
from {{ cookiecutter.project_slug }}.rooms.permissions import LOGIN_TO_POST

from tests.addresses import an_address
from tests.api_client import JSON, api_client, post_json
from tests.strategies import json_documents

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/rooms/lobby/messages/"
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    async with api_client() as api:
        yield api


async def add_messages(slug: str, count: int) -> None:
    room, _ = await Room.objects.aget_or_create(slug=slug)
    await Message.objects.abulk_create(
        Message(room=room, text=f"message {number}") for number in range(count)
    )


async def test_an_unknown_room_has_no_messages_and_is_not_created(api: httpx.AsyncClient):
    response = await api.get(URL)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert not await Room.objects.filter(slug="lobby").aexists()


async def test_posting_creates_the_room_and_answers_with_the_message(api: httpx.AsyncClient):
    response = await post_json(api, URL, {"text": "  hello  "})

    assert response.status_code == 201
    body = response.json()
    assert body["room"] == "lobby"
    assert body["author"] == "anonymous"
    assert body["text"] == "hello"
    message = await Message.objects.select_related("room").aget(pk=body["id"])
    assert message.room.slug == "lobby"
    assert body == message.as_dict("lobby")


async def log_in(api: httpx.AsyncClient, username: str = "ada") -> None:
    """Logs the client in through Django's session, as the site's log-in page would."""
    user = await get_user_model().objects.acreate_user(username, password="unused-password-1")
    django_client = AsyncClient()
    await django_client.aforce_login(user)
    api.cookies.set(settings.SESSION_COOKIE_NAME, django_client.cookies["sessionid"].value)


async def test_the_author_is_the_logged_in_user_whatever_the_body_says(api: httpx.AsyncClient):
    await log_in(api)

    response = await post_json(api, URL, {"text": "hi", "author": "someone else"})

    assert response.status_code == 201
    assert response.json()["author"] == "ada"
    message = await Message.objects.select_related("author").aget(pk=response.json()["id"])
    assert message.author.get_username() == "ada"


async def test_an_anonymous_author_cannot_claim_a_name(api: httpx.AsyncClient):
    await get_user_model().objects.acreate_user("ada", password="unused-password-1")

    response = await post_json(api, URL, {"text": "hi", "author": "ada"})

    assert response.status_code == 201
    assert response.json()["author"] == "anonymous"
    assert (await Message.objects.aget(pk=response.json()["id"])).author_id is None


async def test_anonymous_posts_are_refused_when_the_setting_says_so(
    api: httpx.AsyncClient, settings
):
    settings.ROOMS_ALLOW_ANONYMOUS = False

    refused = await post_json(api, URL, {"text": "let me in"})
    await log_in(api)
    accepted = await post_json(api, URL, {"text": "signed"})

    assert refused.status_code == 403
    assert refused.json() == {"errors": {"__all__": [LOGIN_TO_POST]}}
    assert accepted.status_code == 201
    assert [message.text async for message in Message.objects.all()] == ["signed"]
    # Reading stays public.
    async with api_client() as anonymous:
        assert (await anonymous.get(URL)).status_code == 200


async def test_the_list_is_newest_first(api: httpx.AsyncClient):
    for text in ("first", "second", "third"):
        assert (await post_json(api, URL, {"text": text})).status_code == 201

    body = (await api.get(URL)).json()

    assert [message["text"] for message in body["results"]] == ["third", "second", "first"]
    assert body["count"] == 3


async def test_rooms_do_not_mix(api: httpx.AsyncClient):
    await post_json(api, URL, {"text": "in the lobby"})
    await post_json(api, "/api/rooms/kitchen/messages/", {"text": "in the kitchen"})

    body = (await api.get(URL)).json()

    assert [message["text"] for message in body["results"]] == ["in the lobby"]


async def test_pages_link_to_each_other(api: httpx.AsyncClient):
    await add_messages("lobby", PAGE_SIZE + 5)

    first = (await api.get(URL)).json()
    second = (await api.get(first["next"])).json()

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


@pytest.mark.parametrize("page", ["0", "-1", "two", "", "1.5"])
async def test_a_malformed_page_is_a_400_naming_it(api: httpx.AsyncClient, page: str):
    response = await api.get(URL, params={"page": page})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


async def test_a_page_past_the_end_is_a_404_naming_it(api: httpx.AsyncClient):
    await add_messages("lobby", 1)

    response = await api.get(URL, params={"page": "2"})

    assert response.status_code == 404
    assert list(response.json()["errors"]) == ["page"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(b"not json", "__all__", id="not-json"),
        pytest.param(b"", "__all__", id="empty"),
        pytest.param(b"\xff\xfe", "__all__", id="not-utf8"),
        pytest.param(json.dumps(["text"]).encode(), "__all__", id="not-an-object"),
        pytest.param(json.dumps("text").encode(), "__all__", id="a-string"),
        pytest.param(json.dumps({}).encode(), "text", id="missing-text"),
        pytest.param(json.dumps({"text": 42}).encode(), "text", id="not-a-string"),
        pytest.param(json.dumps({"text": None}).encode(), "text", id="null"),
        pytest.param(json.dumps({"text": "   "}).encode(), "text", id="blank"),
        pytest.param(
            json.dumps({"text": "x" * (MAX_MESSAGE_LENGTH + 1)}).encode(), "text", id="too-long"
        ),
        # Hostile documents: the same 400, never a 500.
        pytest.param(b"[" * 30000 + b"]" * 30000, "__all__", id="deep-arrays"),
        pytest.param(b'{"a":' * 10000 + b"1" + b"}" * 10000, "__all__", id="deep-objects"),
        pytest.param(b'{"text": 1e400}', "__all__", id="1e400"),
        pytest.param(b'{"text": NaN}', "__all__", id="nan"),
        pytest.param(b'{"text": Infinity}', "__all__", id="infinity"),
        pytest.param(b'{"text": "one", "text": "two"}', "__all__", id="duplicate-keys"),
        pytest.param(b'{"text": ' + b"9" * 5000 + b"}", "__all__", id="5000-digits"),
        pytest.param(b'\xef\xbb\xbf{"text": "bom"}', "__all__", id="byte-order-mark"),
        pytest.param(b'{"text": "nul \\u0000 inside"}', "text", id="nul"),
        pytest.param(b'{"text": "lone \\ud800 surrogate"}', "text", id="lone-surrogate"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(api: httpx.AsyncClient, body: bytes, field: str):
    response = await api.post(URL, content=body, headers=JSON)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])
    assert await Message.objects.acount() == 0


async def test_the_longest_message_is_accepted(api: httpx.AsyncClient):
    response = await post_json(api, URL, {"text": "x" * MAX_MESSAGE_LENGTH})

    assert response.status_code == 201


@given(body=st.one_of(json_documents.map(lambda value: json.dumps(value).encode()), st.binary()))
async def test_whatever_a_client_posts_it_gets_a_201_or_a_400_saying_why(body: bytes):
    async with api_client() as api:
        response = await api.post(URL, content=body, headers=JSON)

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


async def test_a_body_over_djangos_limit_is_a_413_in_the_same_shape(api: httpx.AsyncClient):
    too_big = {"text": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}

    response = await post_json(api, URL, too_big)

    assert response.status_code == 413
    assert list(response.json()["errors"]) == ["__all__"]
    assert await Message.objects.acount() == 0


@pytest.mark.parametrize("slug", ["Lobby", "two--dashes", "-edge", "under_score", "x" * 51])
async def test_a_slug_no_room_can_have_is_a_404(api: httpx.AsyncClient, slug: str):
    read = await api.get(f"/api/rooms/{slug}/messages/")
    write = await post_json(api, f"/api/rooms/{slug}/messages/", {"text": "hi"})

    assert (read.status_code, write.status_code) == (404, 404)
    assert not await Room.objects.aexists()


async def test_other_methods_are_refused(api: httpx.AsyncClient):
    response = await api.delete(URL)

    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


async def test_a_post_without_the_csrf_token_is_refused_in_the_apis_shape():
    async with api_client(csrf=False) as anonymous:
        refused = await post_json(anonymous, URL, {"text": "no token"})
        page = await anonymous.get("/rooms/lobby/")
        # Where room.js reads it; the page also set the cookie it goes with.
        token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)[1]
        accepted = await anonymous.post(
            URL,
            content=json.dumps({"text": "with token"}),
            headers={**JSON, "X-CSRFToken": token},
        )

    assert refused.status_code == 403
    assert list(refused.json()["errors"]) == ["__all__"]
    assert accepted.status_code == 201, accepted.text
    assert [message.text async for message in Message.objects.all()] == ["with token"]


async def test_a_foreign_origin_is_refused(api: httpx.AsyncClient):
    response = await api.post(
        URL,
        content=json.dumps({"text": "from elsewhere"}),
        headers={**JSON, "Origin": "https://evil.example"},
    )

    assert response.status_code == 403
    assert await Message.objects.acount() == 0


async def test_answers_carry_the_sites_http_headers(api: httpx.AsyncClient):
    read = await api.get(URL, headers={"X-Request-ID": "api-read-1"})
    write = await post_json(api, URL, {"text": "hi"})

    for response in (read, write):
        assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["Server-Timing"])
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert read.headers["X-Request-ID"] == "api-read-1"
    assert GENERATED_ID.fullmatch(write.headers["X-Request-ID"])


async def test_log_records_of_an_api_request_carry_its_id(
    api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.WARNING, logger="django.request")
    # As on the handlers in settings.LOGGING.
    caplog.handler.addFilter(RequestIDFilter())

    response = await api.get(URL, params={"page": "9"}, headers={"X-Request-ID": "api-404"})

    assert response.status_code == 404
    (record,) = (r for r in caplog.records if r.name == "django.request")
    assert record.request_id == "api-404"


async def test_a_host_outside_allowed_hosts_is_refused(api: httpx.AsyncClient):
    response = await api.get(URL, headers={"Host": "evil.example"})

    assert response.status_code == 400


async def test_an_api_request_is_one_django_request(api: httpx.AsyncClient, signals: list[str]):
    # request_started and request_finished: their receivers close the request's database
    # connections, or give them back to the pool.
    await api.get(URL)
    await post_json(api, URL, {"text": "hi"})

    assert signals == ["started", "finished"] * 2


async def post_from(api: httpx.AsyncClient, address: str, text: str) -> httpx.Response:
    content = json.dumps({"text": text})
    return await api.post(URL, content=content, headers={**JSON, "X-Forwarded-For": address})


@pytest.mark.usefixtures("still_clock")
async def test_a_flood_of_posts_is_refused_while_another_client_still_posts(
    api: httpx.AsyncClient, settings, behind_a_proxy: None
):
    settings.RATE_LIMIT_API_WRITES = (3, 60)
    flooder, other = an_address(), an_address()

    flood = [await post_from(api, flooder, f"flood {n}") for n in range(5)]
    others = await post_from(api, other, "still heard")

    assert [response.status_code for response in flood] == [201, 201, 201, 429, 429]
    refused = flood[-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    (message,) = refused.json()["errors"]["__all__"]
    assert message.startswith("Too many messages")
    assert others.status_code == 201
    assert await Message.objects.acount() == 4


@pytest.mark.usefixtures("still_clock")
async def test_a_user_is_limited_from_every_address(
    api: httpx.AsyncClient, settings, behind_a_proxy: None
):
    settings.RATE_LIMIT_API_WRITES = (2, 60)
    await log_in(api, f"writer-{uuid.uuid4().hex[:8]}")

    statuses = [(await post_from(api, an_address(), "hi")).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
