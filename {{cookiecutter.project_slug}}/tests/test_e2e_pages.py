"""The pages in a real headless Chromium, under their Content-Security-Policy: `pytest -m e2e`.

The browser fixture fails a test on anything the policy blocks (tests/plugins/browser.py).
"""

import pytest
from playwright.async_api import expect

from tests.plugins.browser import OpenRoom, room_path
from tests.server import Server

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_the_pages_work_within_their_policy(shared_server: Server, open_room: OpenRoom):
    url = shared_server.url
    home = await open_room(f"{url}/")
    room = await open_room(f"{url}{room_path()}")
    admin = await open_room(f"{url}/admin/login/")

    await expect(home.locator("h1")).to_have_text("Rooms")
    # Its script, its styles and its requests (its WebSocket too) all allowed.
    await expect(room.locator(".status")).to_have_attribute("data-state", "ok")
    await expect(admin.locator("#id_username")).to_be_visible()
    for page in (home, room, admin):
        response = await page.request.get(page.url)
        assert "default-src 'self'" in response.headers["content-security-policy"]
