"""The room page in a real headless Chromium against the real server: `pytest -m e2e`."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.plugins.browser import room_path, send
from tests.server import Server

pytestmark = pytest.mark.e2e


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
