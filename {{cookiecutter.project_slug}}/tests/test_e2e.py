"""The room page in a real headless Chromium against the real server: `pytest -m e2e`.

Drives Debian's /usr/bin/chromium through Playwright's Python API (never `playwright install`).
"""

import uuid
from collections.abc import Callable, Iterator
{%- if cookiecutter.use_channels %}
from contextlib import AbstractContextManager
{%- endif %}
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.server import Server{% if cookiecutter.use_channels %}, free_port{% endif %}

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root on a machine without a network of its own or a GPU.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Headless Chromium still preloads the omnibox's two popups as WebUI pages, each in a renderer
    # of its own: more CPU than the test's pages (~3 s a launch), for an omnibox nobody types in.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
]
# Milliseconds; generous for a busy machine, a passing test never waits this long.
TIMEOUT = 15_000
{%- if cookiecutter.use_channels %}
# The page's reconnect backoff tops out at 15 s; a restart takes a few seconds more.
RECONNECT_TIMEOUT = 45_000

Serve = Callable[..., AbstractContextManager[Server]]
{%- endif %}


@pytest.fixture
def browser(transactional_db: None, tmp_path: Path) -> Iterator[Browser]:
    # Function-scoped, after the database: Playwright's event loop must be gone before the
    # database is flushed, which Django refuses to do while a loop runs in this thread.
    if not CHROMIUM.exists():
        pytest.fail(f"The e2e tests need {CHROMIUM}: on Debian, apt-get install chromium.")
    home = tmp_path / "chromium-home"
    # Chromium writes profile and cache files under HOME and the XDG directories.
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, env=env, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def open_room(browser: Browser) -> Iterator[Callable[[str], Page]]:
    """Opens the room page in a fresh browser context; fails the test on any page error."""
    errors: list[str] = []
    contexts = []

    def open_page(url: str) -> Page:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == []


def room_path() -> str:
    """A room of the test's own: the live server's database outlives a test."""
    return f"/rooms/e2e-{uuid.uuid4().hex[:12]}/"


def send(page: Page, text: str) -> None:
    page.locator("#message-text").fill(text)
    page.locator("#message-text").press("Enter")
{%- if cookiecutter.use_channels %}


def server_env() -> dict[str, str]:
{%- if cookiecutter.use_redis %}
    return {"REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
{%- else %}
    # One process: the in-memory channel layer cannot carry messages between processes.
    return {"WEB_CONCURRENCY": "1"}
{%- endif %}


def test_two_pages_chat_live_and_reconnect_after_a_server_restart(
    serve: Serve, open_room: Callable[[str], Page]
):
    env = {**server_env(), "PORT": str(free_port())}
    room = room_path()
    with serve(**env) as live:
        ann, bob = open_room(f"{live.url}{room}"), open_room(f"{live.url}{room}")
        for page in (ann, bob):
            expect(page.locator(".status")).to_contain_text("Live")

        send(ann, "hello from ann")
        expect(bob.locator(".messages")).to_contain_text("hello from ann")
        expect(ann.locator(".messages")).to_contain_text("hello from ann")
        expect(ann.locator("#message-text")).to_have_value("")

    # The server is gone: the page says so, and keeps trying.
    expect(ann.locator(".status")).to_contain_text("reconnecting")
    expect(ann.locator(".status")).to_have_attribute("data-state", "busy")

    with serve(**env):
        for page in (ann, bob):
            expect(page.locator(".status")).to_contain_text("Live", timeout=RECONNECT_TIMEOUT)
        send(bob, "back again")
        expect(ann.locator(".messages")).to_contain_text("back again")
    # History and live messages were shown once each.
    expect(ann.locator(".messages li", has_text="hello from ann")).to_have_count(1)
{%- else %}


def test_the_page_posts_and_reads_messages_through_the_api(
    shared_server: Server, open_room: Callable[[str], Page]
):
    url = f"{shared_server.url}{room_path()}"
    ann = open_room(url)
    expect(ann.locator(".status")).to_have_attribute("data-state", "ok")

    send(ann, "hello over http")
    expect(ann.locator(".messages")).to_contain_text("hello over http")
    expect(ann.locator("#message-text")).to_have_value("")

    # Another visitor reads it from the API when the page loads.
    bob = open_room(url)
    expect(bob.locator(".messages")).to_contain_text("hello over http")
{%- endif %}
