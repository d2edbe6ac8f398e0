"""The pages in a real headless Chromium, under their Content-Security-Policy: `pytest -m e2e`.

The browser fixture fails a test on anything the policy blocks (tests/plugins/browser.py).
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.plugins.browser import room_path
from tests.server import Server

pytestmark = pytest.mark.e2e


def test_the_pages_work_within_their_policy(
    shared_server: Server, open_room: Callable[[str], Page]
):
    url = shared_server.url
    home = open_room(f"{url}/")
    room = open_room(f"{url}{room_path()}")
    admin = open_room(f"{url}/admin/login/")

    expect(home.locator("h1")).to_have_text("Rooms")
    # Its script, its styles and its requests (its WebSocket too) all allowed.
    expect(room.locator(".status")).to_have_attribute("data-state", "ok")
    expect(admin.locator("#id_username")).to_be_visible()
    for page in (home, room, admin):
        policy = page.request.get(page.url).headers["content-security-policy"]
        assert "default-src 'self'" in policy
