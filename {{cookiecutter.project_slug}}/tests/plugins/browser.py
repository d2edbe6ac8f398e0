"""Chromium for the e2e tests (`pytest -m e2e`): Debian's /usr/bin/chromium, driven through
Playwright's Python API (never `playwright install`).
"""

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Headless, also as root, on a machine without a network of its own or a GPU.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Headless Chromium still preloads the omnibox's two popups as WebUI pages, each in a renderer
    # of its own: more CPU than the tests' pages take, for an omnibox nobody types in.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
]
# Milliseconds; generous for a busy machine, a passing test never waits this long.
TIMEOUT = 15_000


def room_path() -> str:
    """A room of the test's own: the live server's database outlives a test."""
    return f"/rooms/e2e-{uuid.uuid4().hex[:12]}/"


def send(page: Page, text: str) -> None:
    page.locator("#message-text").fill(text)
    page.locator("#message-text").press("Enter")


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
