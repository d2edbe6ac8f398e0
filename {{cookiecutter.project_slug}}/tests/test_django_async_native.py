"""Each async-native middleware behaves like the Django middleware it replaces.

Every scenario runs the same requests once through Django's own stack and once through
ours, and compares status, headers and cookies; then it checks that the scenario really
exercised the feature (so that two equally wrong answers cannot pass).
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.sync import iscoroutinefunction
from django.conf import LazySettings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.test import AsyncClient
from django.urls import path
from django.utils.module_loading import import_string
from django.views.decorators.clickjacking import xframe_options_exempt

from tests.middleware_stacks import ASYNC_STACK, DJANGO_STACK


async def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain")


async def session_write(request: HttpRequest) -> HttpResponse:
    await request.session.aset("visits", 1)
    return HttpResponse("written")


async def session_read(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"visits={await request.session.aget('visits')}")


async def session_flush(request: HttpRequest) -> HttpResponse:
    await request.session.aflush()
    return HttpResponse("flushed")


async def session_write_then_fail(request: HttpRequest) -> HttpResponse:
    await request.session.aset("visits", 2)
    return HttpResponse("failed", status=500)


async def session_deleted_meanwhile(request: HttpRequest) -> HttpResponse:
    await request.session.aset("visits", 3)
    # As if the user logged out in a concurrent request.
    await Session.objects.filter(session_key=request.session.session_key).adelete()
    return HttpResponse("deleted meanwhile")


async def form(request: HttpRequest) -> HttpResponse:
    get_token(request)  # as a template's csrf_token tag does: sets the CSRF cookie
    return HttpResponse(f"{request.method} accepted")


async def whoami(request: HttpRequest) -> HttpResponse:
    user = await request.auser()
    return HttpResponse(user.get_username() if user.is_authenticated else "anonymous")


async def message_add(request: HttpRequest) -> HttpResponse:
    messages.success(request, "saved")
    return HttpResponse("added")


async def message_show(request: HttpRequest) -> HttpResponse:
    return HttpResponse(",".join(str(m) for m in messages.get_messages(request)))


@xframe_options_exempt
async def frameable(request: HttpRequest) -> HttpResponse:
    return HttpResponse("frameable")


urlpatterns = [
    path("plain/", plain),
    path("session/write/", session_write),
    path("session/read/", session_read),
    path("session/flush/", session_flush),
    path("session/fail/", session_write_then_fail),
    path("session/deleted/", session_deleted_meanwhile),
    path("form/", form),
    path("whoami/", whoami),
    path("messages/add/", message_add),
    path("messages/show/", message_show),
    path("frameable/", frameable),
]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db(transaction=True)]


def describe(response: HttpResponseBase) -> dict[str, Any]:
    """What a client sees, minus what is random per request (cookie values, expiry times)."""
    cookies = {}
    for name, morsel in response.cookies.items():
        attributes = {k: v for k, v in morsel.items() if v and k != "expires"}
        deleted = morsel.value == "" and "1970" in morsel["expires"]
        cookies[name] = {"deleted" if deleted else "set": True, **attributes}
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": cookies,
        "body": b"" if response.streaming else response.content,
    }


Requests = Callable[[AsyncClient], Awaitable[list[HttpResponseBase]]]


@dataclass
class Scenario:
    name: str
    requests: Requests
    # Checks on the described responses that prove the feature was exercised.
    proof: Callable[[list[dict[str, Any]]], None]
    settings: dict[str, Any] = field(default_factory=dict)


async def https_get(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/plain/", secure=True)]


def security_headers(seen: list[dict[str, Any]]) -> None:
    headers = seen[0]["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


async def http_get(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/plain/?page=2")]


def redirected_to_https(seen: list[dict[str, Any]]) -> None:
    assert seen[0]["status"] == 301
    assert seen[0]["headers"]["Location"] == "https://testserver/plain/?page=2"


async def without_slash(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/plain?page=2"), await client.get("/nowhere")]


def slash_appended(seen: list[dict[str, Any]]) -> None:
    assert seen[0]["status"] == 301
    assert seen[0]["headers"]["Location"] == "/plain/?page=2"
    assert seen[1]["status"] == 404


async def prepend_www(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/plain/")]


def www_prepended(seen: list[dict[str, Any]]) -> None:
    assert seen[0]["headers"]["Location"] == "http://www.testserver/plain/"


async def bad_robot(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/plain/", headers={"user-agent": "BadRobot/1.0"})]


def robot_refused(seen: list[dict[str, Any]]) -> None:
    assert seen[0]["status"] == 403


async def session_lifecycle(client: AsyncClient) -> list[HttpResponseBase]:
    return [
        await client.get("/plain/"),
        await client.get("/session/write/"),
        await client.get("/session/read/"),
        await client.get("/plain/"),
        await client.get("/session/flush/"),
    ]


def session_cookie_only_when_modified(seen: list[dict[str, Any]]) -> None:
    untouched, written, read, untouched_again, flushed = seen
    assert untouched["cookies"] == {}
    assert "Vary" not in untouched["headers"]
    assert written["cookies"]["sessionid"]["set"]
    assert written["headers"]["Vary"] == "Cookie"
    assert read["body"] == b"visits=1"
    assert read["cookies"] == {}
    assert read["headers"]["Vary"] == "Cookie"
    assert untouched_again["cookies"] == {}
    assert flushed["cookies"]["sessionid"]["deleted"]


async def save_every_request(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/session/write/"), await client.get("/plain/")]


def session_saved_again(seen: list[dict[str, Any]]) -> None:
    assert seen[1]["cookies"]["sessionid"]["set"]
    assert seen[1]["cookies"]["sessionid"]["max-age"] == 1209600


async def session_with_5xx(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/session/write/"), await client.get("/session/fail/")]


def session_not_saved_on_5xx(seen: list[dict[str, Any]]) -> None:
    assert seen[1]["status"] == 500
    assert seen[1]["cookies"] == {}


async def browser_session(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/session/write/")]


def session_cookie_without_expiry(seen: list[dict[str, Any]]) -> None:
    assert seen[0]["cookies"]["sessionid"]["set"]
    assert "max-age" not in seen[0]["cookies"]["sessionid"]


async def concurrent_logout(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/session/write/"), await client.get("/session/deleted/")]


def session_interrupted(seen: list[dict[str, Any]]) -> None:
    assert seen[1]["status"] == 400  # SessionInterrupted


async def csrf_round_trip(client: AsyncClient) -> list[HttpResponseBase]:
    page = await client.get("/form/")
    token = client.cookies["csrftoken"].value
    return [
        page,
        await client.post("/form/"),
        await client.post("/form/", headers={"X-CSRFToken": "x" * 32}),
        await client.post("/form/", headers={"X-CSRFToken": token}),
        await client.post("/form/", {"csrfmiddlewaretoken": token}),
        await client.post(
            "/form/", headers={"X-CSRFToken": token, "Origin": "https://evil.example"}
        ),
    ]


def csrf_enforced(seen: list[dict[str, Any]]) -> None:
    page, no_token, wrong_token, header_token, form_token, bad_origin = seen
    assert page["cookies"]["csrftoken"]["set"]
    assert [r["status"] for r in (no_token, wrong_token, bad_origin)] == [403, 403, 403]
    assert header_token["status"] == form_token["status"] == 200
    assert header_token["body"] == b"POST accepted"


async def login(client: AsyncClient) -> list[HttpResponseBase]:
    anonymous = await client.get("/whoami/")
    user, _ = await get_user_model().objects.aget_or_create(username="ada")
    await client.aforce_login(user)
    return [anonymous, await client.get("/whoami/")]


def auser_resolves(seen: list[dict[str, Any]]) -> None:
    assert seen[0]["body"] == b"anonymous"
    assert seen[1]["body"] == b"ada"


async def message_round_trip(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/messages/add/"), await client.get("/messages/show/")]


def message_delivered_once(seen: list[dict[str, Any]]) -> None:
    added, shown = seen
    assert added["cookies"]["messages"]["set"]
    assert shown["body"] == b"saved"
    assert shown["cookies"]["messages"]["deleted"]


async def frames(client: AsyncClient) -> list[HttpResponseBase]:
    return [await client.get("/plain/"), await client.get("/frameable/")]


def frame_options(seen: list[dict[str, Any]]) -> None:
    assert seen[0]["headers"]["X-Frame-Options"] == "SAMEORIGIN"
    assert "X-Frame-Options" not in seen[1]["headers"]


SCENARIOS = [
    Scenario(
        "security headers",
        https_get,
        security_headers,
        {
            "SECURE_HSTS_SECONDS": 3600,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
            "SECURE_HSTS_PRELOAD": True,
        },
    ),
    Scenario("ssl redirect", http_get, redirected_to_https, {"SECURE_SSL_REDIRECT": True}),
    Scenario("append slash", without_slash, slash_appended),
    Scenario("prepend www", prepend_www, www_prepended, {"PREPEND_WWW": True}),
    Scenario(
        "disallowed user agent",
        bad_robot,
        robot_refused,
        {"DISALLOWED_USER_AGENTS": [re.compile("BadRobot")]},
    ),
    Scenario("session lifecycle", session_lifecycle, session_cookie_only_when_modified),
    Scenario(
        "session saved every request",
        save_every_request,
        session_saved_again,
        {"SESSION_SAVE_EVERY_REQUEST": True},
    ),
    Scenario("session kept on 5xx", session_with_5xx, session_not_saved_on_5xx),
    Scenario(
        "session until the browser closes",
        browser_session,
        session_cookie_without_expiry,
        {"SESSION_EXPIRE_AT_BROWSER_CLOSE": True},
    ),
    Scenario("session deleted during the request", concurrent_logout, session_interrupted),
    Scenario("csrf", csrf_round_trip, csrf_enforced),
    Scenario("auth", login, auser_resolves),
    Scenario("messages", message_round_trip, message_delivered_once),
    Scenario("x-frame-options", frames, frame_options, {"X_FRAME_OPTIONS": "SAMEORIGIN"}),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_behaves_like_django(settings: LazySettings, scenario: Scenario) -> None:
    for name, value in scenario.settings.items():
        setattr(settings, name, value)
    seen = {}
    for stack in (DJANGO_STACK, ASYNC_STACK):
        settings.MIDDLEWARE = stack
        client = AsyncClient(enforce_csrf_checks=True)  # a new client builds a new chain
        seen[stack[0]] = [describe(r) for r in await scenario.requests(client)]
    ours, django = seen[ASYNC_STACK[0]], seen[DJANGO_STACK[0]]
    assert ours == django
    scenario.proof(ours)


@pytest.mark.parametrize("dotted", ASYNC_STACK)
def test_each_class_is_async_only(dotted: str) -> None:
    async def get_response(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    middleware_class = import_string(dotted)
    middleware = middleware_class(get_response)
    assert (middleware_class.sync_capable, middleware_class.async_capable) == (False, True)
    assert iscoroutinefunction(middleware)  # the mark Django's handler checks
    # Django's handler wraps a sync process_view in sync_to_async: ours must be a coroutine.
    process_view = getattr(middleware, "process_view", None)
    assert process_view is None or iscoroutinefunction(process_view)


@pytest.mark.parametrize(
    ("dotted", "setting", "value"),
    [
        (ASYNC_STACK[3], "CSRF_USE_SESSIONS", True),
        (
            ASYNC_STACK[5],
            "MESSAGE_STORAGE",
            "django.contrib.messages.storage.fallback.FallbackStorage",
        ),
    ],
)
def test_settings_that_would_block_the_loop_are_refused(
    settings: LazySettings, dotted: str, setting: str, value: Any
) -> None:
    setattr(settings, setting, value)
    with pytest.raises(ImproperlyConfigured, match=setting):
        import_string(dotted)(plain)
