"""Chromium for the e2e tests (`pytest -m e2e`), found as Playwright users expect.

Playwright's own Chromium when it is installed (`uv run playwright install chromium`), else a
system Chromium: the path in CHROMIUM_PATH, else the usual places on Linux and macOS.
"""

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    async_playwright,
)

SYSTEM_CHROMIUMS = [
    # The headless shell (Debian's chromium-headless-shell) is the build Playwright itself runs
    # headless: no browser window's machinery, so less CPU per test than the full browser.
    Path("/usr/bin/chromium-headless-shell"),
    Path("/usr/bin/chromium"),
    Path("/usr/bin/chromium-browser"),
    Path("/usr/bin/google-chrome"),
    Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    Path("/Applications/Chromium.app/Contents/MacOS/Chromium"),
]
# Headless, also as root, on a machine without a network of its own or a GPU.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Milliseconds; generous for a busy machine, a passing test never waits this long.
TIMEOUT = 15_000
# In the console line Chromium writes for each thing the policy blocks, and in ours below.
CSP_VIOLATION = "Content Security Policy"
# Each violation as a console error too, with what was blocked, whatever the browser logs.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def room_path() -> str:
    """A room of the test's own: the live server's database outlives a test."""
    return f"/rooms/e2e-{uuid.uuid4().hex[:12]}/"


async def send(page: Page, text: str) -> None:
    await page.locator("#message-text").fill(text)
    await page.locator("#message-text").press("Enter")


def new_username() -> str:
    """A user of the test's own: the live server's database outlives a test."""
    return f"e2e-{uuid.uuid4().hex[:8]}"


async def sign_up(page: Page, username: str) -> None:
    """Fill in and send the sign-up form the page shows."""
    password = f"{uuid.uuid4()}-A1"
    await page.locator("#id_username").fill(username)
    await page.locator("#id_email").fill(f"{username}@example.com")
    await page.locator("#id_password1").fill(password)
    await page.locator("#id_password2").fill(password)
    await page.get_by_role("button", name="Sign up").click()


def find_chromium(playwright: Playwright) -> Path | None:
    """The system Chromium to launch, or None for Playwright's own; fails the test if neither."""
    if Path(playwright.chromium.executable_path).exists():
        return None
    if configured := os.environ.get("CHROMIUM_PATH"):
        if not Path(configured).exists():
            pytest.fail(f"CHROMIUM_PATH is {configured}, and there is no such file.")
        return Path(configured)
    for path in SYSTEM_CHROMIUMS:
        if path.exists():
            return path
    pytest.fail(
        "The e2e tests need Chromium: run `uv run playwright install chromium`, or install "
        "Chromium or Chrome (and set CHROMIUM_PATH if it is not in a usual place)."
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Browser]:
    """One Chromium for the session, each test in contexts of its own (as pytest-playwright has
    it). Playwright's async API, in the session's event loop: its sync API would keep a loop
    running in the main thread, where Django then refuses the tests' database work."""
    home = tmp_path_factory.mktemp("chromium-home")
    # Chromium writes profile and cache files under HOME and the XDG directories.
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=find_chromium(playwright), args=CHROMIUM_FLAGS, env=env, headless=True
        )
        yield browser
        await browser.close()


OpenRoom = Callable[..., Awaitable[Page]]


@pytest_asyncio.fixture(loop_scope="session")
async def open_room(browser: Browser) -> AsyncIterator[OpenRoom]:
    """Opens a page in a fresh browser context; fails the test on any page error or anything
    the Content-Security-Policy blocked.

    `await open_room(url, setup=...)` awaits `setup(context)` before the page loads.
    """
    errors: list[str] = []
    contexts = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and CSP_VIOLATION in message.text:
            errors.append(message.text)

    async def open_page(
        url: str, setup: Callable[[BrowserContext], Awaitable[None]] | None = None
    ) -> Page:
        context = await browser.new_context()
        contexts.append(context)
        await context.add_init_script(REPORT_CSP_VIOLATIONS)
        if setup is not None:
            await setup(context)
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", on_console)
        await page.goto(url)
        return page

    yield open_page
    for context in contexts:
        await context.close()
    assert errors == []
