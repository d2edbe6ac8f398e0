"""The room page in a real headless Chromium against the real server: `pytest -m e2e`."""

import pytest
from playwright.async_api import expect

from tests.plugins.browser import OpenRoom, new_username, room_path, send, sign_up
from tests.server import Server

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_a_new_user_posts_and_another_visitor_reads_it_under_their_name(
    shared_server: Server, open_room: OpenRoom
):
    room, username = room_path(), new_username()
    # Sign up on the way to the room: the form brings Ann back to it, logged in.
    ann = await open_room(f"{shared_server.url}/accounts/signup/?next={room}")
    await sign_up(ann, username)
    await expect(ann).to_have_url(f"{shared_server.url}{room}")
    await expect(ann.locator("header.site .user")).to_have_text(username)
    await expect(ann.locator(".status")).to_have_attribute("data-state", "ok")

    await send(ann, "hello over http")
    await expect(ann.locator(".messages")).to_contain_text("hello over http")
    await expect(ann.locator("#message-text")).to_have_value("")

    # Another visitor, not logged in, reads it from the API when the page loads.
    bob = await open_room(f"{shared_server.url}{room}")
    message = bob.locator(".messages li", has_text="hello over http")
    await expect(message.locator("strong")).to_have_text(username)
