"""FastAPI in front of Django: its routes run as Django views, every other path is Django's.

tests/test_api_contract.py holds the API to its contract through the same application; this
module checks how the two frameworks share it.
"""

import httpx
import pytest
from django.conf import LazySettings
from django.core.asgi import get_asgi_application

from {{ cookiecutter.project_slug }}.api.fastapi_app import in_front_of
from {{ cookiecutter.project_slug }}.asgi.django_scope import DjangoScope
from {{ cookiecutter.project_slug }}.asgi.interface import Receive, Scope, Send
from {{ cookiecutter.project_slug }}.rooms.api_fastapi import router

from tests.api_client import api_client

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/rooms/lobby/messages/"


@pytest.mark.parametrize("path", ["/rooms/lobby/", "/nowhere/", "/api/nowhere/"])
async def test_a_page_is_one_django_request(signals: list[str], path: str):
    async with api_client() as api:
        response = await api.get(path)

    # Past FastAPI to Django's application: one handler, one pass through the middleware.
    assert signals == ["started", "finished"]
    assert response.headers["Server-Timing"].count("app;dur=") == 1
    assert "," not in response.headers["X-Request-ID"]


async def test_pages_are_djangos(signals: list[str]):
    async with api_client() as api:
        page = await api.get("/rooms/lobby/")
        missing = await api.get("/api/nowhere/")

    assert page.status_code == 200
    assert "<h1>#lobby</h1>" in page.text
    # Not a route of FastAPI's: Django's own 404 page.
    assert missing.status_code == 404
    assert "<h1>Page not found</h1>" in missing.text


async def test_a_missing_trailing_slash_is_redirected_by_fastapi():
    async with api_client() as api:
        response = await api.get(URL.rstrip("/"))

    assert response.status_code in (301, 307, 308)
    assert response.headers["Location"].endswith(URL)
    assert "X-Request-ID" in response.headers


async def test_production_redirects_to_https_and_sends_hsts(settings: LazySettings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    # Built now: Django's middleware reads these settings when the application is made.
    application = in_front_of(get_asgi_application())
    transport = httpx.ASGITransport(app=application)

    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as plain:
        redirected = await plain.get(URL)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as secure:
        served = await secure.get(URL)

    assert redirected.status_code == 301
    assert redirected.headers["Location"] == f"https://testserver{URL}"
    assert served.status_code == 200
    assert served.headers["Strict-Transport-Security"].startswith("max-age=3600")


def test_room_urls_are_built_with_the_room_convertor():
    assert router.url_path_for("list_messages", slug="tea-time") == "/api/rooms/tea-time/messages/"


async def test_a_routes_cookies_and_repeated_headers_reach_the_client():
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"content-type", b"text/plain"),
            (b"set-cookie", b"first=1; Path=/"),
            (b"set-cookie", b"second=2; Path=/; HttpOnly"),
            (b"link", b"</a>; rel=preload"),
            (b"link", b"</b>; rel=preload"),
        ]
        await send({"type": "http.response.start", "status": 202, "headers": headers})
        await send({"type": "http.response.body", "body": b"part one, ", "more_body": True})
        await send({"type": "http.response.body", "body": b"part two"})

    transport = httpx.ASGITransport(app=DjangoScope(app, serves=lambda scope: True))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/anything/")

    assert response.status_code == 202
    assert response.text == "part one, part two"
    assert response.headers["Content-Type"] == "text/plain"
    assert dict(response.cookies) == {"first": "1", "second": "2"}
    assert response.headers["Link"] == "</a>; rel=preload, </b>; rel=preload"
    assert "X-Request-ID" in response.headers
