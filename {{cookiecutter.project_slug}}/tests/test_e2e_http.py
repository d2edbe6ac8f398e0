"""The room page in a real headless Chromium against the real server: `pytest -m e2e`."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.plugins.browser import new_username, room_path, send, sign_up
from tests.server import Server

pytestmark = pytest.mark.e2e


def test_a_new_user_posts_and_another_visitor_reads_it_under_their_name(
    shared_server: Server, open_room: Callable[[str], Page]
):
    room, username = room_path(), new_username()
    # Sign up on the way to the room: the form brings Ann back to it, logged in.
    ann = open_room(f"{shared_server.url}/accounts/signup/?next={room}")
    sign_up(ann, username)
    expect(ann).to_have_url(f"{shared_server.url}{room}")
    expect(ann.locator("header.site .user")).to_have_text(username)
    expect(ann.locator(".status")).to_have_attribute("data-state", "ok")

    send(ann, "hello over http")
    expect(ann.locator(".messages")).to_contain_text("hello over http")
    expect(ann.locator("#message-text")).to_have_value("")

    # Another visitor, not logged in, reads it from the API when the page loads.
    bob = open_room(f"{shared_server.url}{room}")
    message = bob.locator(".messages li", has_text="hello over http")
    expect(message.locator("strong")).to_have_text(username)
