"""The HTML pages: home, a room, and the error pages, each under the site's header."""

import base64
import hashlib
import re

import pytest
from django.conf import LazySettings
from django.contrib.auth import get_user_model
from django.template import loader
from django.test import AsyncClient

from {{ cookiecutter.project_slug }}.rooms.models import Room
from {{ cookiecutter.project_slug }}.rooms.slugs import SLUG_RULE

pytestmark = pytest.mark.django_db(transaction=True)


async def test_home_lists_the_rooms(async_client: AsyncClient):
    await Room.objects.acreate(slug="lobby")
    await Room.objects.acreate(slug="kitchen")

    response = await async_client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/rooms/lobby/"' in html
    assert 'href="/rooms/kitchen/"' in html
    assert '<link rel="icon" href="data:,">' in html


async def test_home_says_when_there_are_no_rooms(async_client: AsyncClient):
    response = await async_client.get("/")

    assert "No rooms yet" in response.content.decode()


async def test_the_form_opens_a_room(async_client: AsyncClient):
    response = await async_client.get("/", {"slug": "tea-time"})

    assert response.status_code == 302
    assert response["Location"] == "/rooms/tea-time/"


@pytest.mark.parametrize("slug", ["Tea Time", "tea--time", "x" * 51])
async def test_the_form_refuses_a_name_no_room_can_have(async_client: AsyncClient, slug: str):
    response = await async_client.get("/", {"slug": slug})

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


@pytest.mark.parametrize("slug", ["Tea Time", "tea_time", "x" * 51, "Tea_Time" * 10])
async def test_a_bad_name_gets_one_error_that_says_the_rule(async_client: AsyncClient, slug: str):
    html = (await async_client.get("/", {"slug": slug})).content.decode()

    assert html.count('class="error"') == 1
    assert SLUG_RULE in html


async def test_the_room_page_loads_its_script_and_token(
    async_client: AsyncClient, settings: LazySettings
):
    response = await async_client.get("/rooms/lobby/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-messages-url="/api/rooms/lobby/messages/"' in html
    assert '<meta name="csrf-token" content="' in html
    assert "/static/rooms/room.js" in html
    assert "/static/rooms/room.css" in html
    # The live side comes with Channels, and only with it.
    assert ("/static/rooms/live.js" in html) == ("channels" in settings.INSTALLED_APPS)
    assert "csrftoken" in response.cookies
    # Opening a page makes no room: the first message does.
    assert not await Room.objects.aexists()


async def test_a_visitor_who_may_not_post_reads_and_gets_a_login_link(
    async_client: AsyncClient, settings: LazySettings
):
    settings.ROOMS_ALLOW_ANONYMOUS = False

    html = (await async_client.get("/rooms/lobby/")).content.decode()

    assert 'data-messages-url="/api/rooms/lobby/messages/"' in html
    assert '<form class="composer">' not in html
    assert 'href="/accounts/login/?next=/rooms/lobby/">Log in</a> or' in html
    # No socket: it would refuse this visitor.
    assert "/static/rooms/live.js" not in html


async def test_a_logged_in_user_gets_the_composer_where_visitors_may_not_post(
    async_client: AsyncClient, settings: LazySettings
):
    settings.ROOMS_ALLOW_ANONYMOUS = False
    user = await get_user_model().objects.acreate_user("ada", password="unused-password-1")
    await async_client.aforce_login(user)

    html = (await async_client.get("/rooms/lobby/")).content.decode()

    assert '<form class="composer">' in html
    assert ("/static/rooms/live.js" in html) == ("channels" in settings.INSTALLED_APPS)


async def test_an_impossible_room_is_a_404(async_client: AsyncClient):
    response = await async_client.get("/rooms/Not_A_Room/")

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/", "/rooms/lobby/", "/nowhere/"])
async def test_every_page_has_the_site_header(async_client: AsyncClient, path: str):
    html = (await async_client.get(path)).content.decode()

    assert '<header class="site">' in html
    assert '<nav aria-label="Site">' in html
    assert f'href="/accounts/login/?next={path}"' in html


async def test_a_missing_page_is_the_sites_own_404(async_client: AsyncClient):
    response = await async_client.get("/nowhere/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_the_500_page_needs_no_request_database_or_static_files(django_assert_num_queries):
    with django_assert_num_queries(0):
        # As Django's server_error view renders it: no context, no request.
        html = loader.get_template("500.html").render()

    assert "<h1>Something went wrong</h1>" in html
    assert '<header class="site">' in html
    assert "/static/" not in html


@pytest.mark.parametrize("path", ["/static/rooms/room.js", "/static/site.css"])
async def test_static_files_are_served(
    async_client: AsyncClient, settings: LazySettings, path: str
):
    # The source directories, as in development: no collectstatic before the tests.
    settings.SERVESTATIC_USE_FINDERS = True
    response = await async_client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/rooms/lobby/", "/nowhere/", "/admin/login/"])
async def test_every_page_has_the_content_security_policy(
    async_client: AsyncClient, settings: LazySettings, path: str
):
    policy = (await async_client.get(path))["Content-Security-Policy"]

    directives = dict(directive.split(" ", 1) for directive in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy
    if "channels" in settings.INSTALLED_APPS:
        # The room page's WebSocket, to the site's own origin.
        ws_origin = re.sub("^http", "ws", settings.WEBSOCKET_ALLOWED_ORIGINS[0])
        assert directives["connect-src"] == f"'self' {ws_origin}"


def test_the_500_pages_inline_style_is_allowed_by_its_hash(settings: LazySettings):
    html = loader.get_template("500.html").render()
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)

    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.SECURE_CSP["style-src"], (
        "templates/500.html's style changed: put its new hash in SECURE_CSP"
    )
