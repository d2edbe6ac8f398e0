"""The live room page in a real headless Chromium against the real server: `pytest -m e2e`."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from playwright.async_api import BrowserContext, expect

from tests.plugins.browser import OpenRoom, new_username, room_path, send, sign_up
from tests.server import Server, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

# Milliseconds. The page's reconnect backoff tops out at 15 s; a restart takes a few seconds more.
RECONNECT_TIMEOUT = 45_000

Serve = Callable[..., AbstractContextManager[Server]]


async def without_websockets(context: BrowserContext) -> None:
    # A browser without WebSocket support: the page stays on HTTP and posts through the API.
    await context.add_init_script("delete window.WebSocket;")


async def test_two_pages_chat_live_and_reconnect_after_a_server_restart(
    serve: Serve, open_room: OpenRoom
):
    port = str(free_port())
    room, username = room_path(), new_username()
    with serve(PORT=port) as live:
        # Ann signs up on the way to the room; Bob, a visitor, does not.
        ann = await open_room(f"{live.url}/accounts/signup/?next={room}")
        await sign_up(ann, username)
        await expect(ann).to_have_url(f"{live.url}{room}")
        await expect(ann.locator(".status")).to_have_text("Live")
        bob = await open_room(f"{live.url}{room}")
        for page in (ann, bob):
            await expect(page.locator(".status")).to_contain_text("Live")
        # Ann hears that someone joined; Bob's own join is no news to Bob.
        await expect(ann.locator(".status")).to_have_text("Live · anonymous joined")

        await send(ann, "hello from ann")
        await expect(ann.locator(".messages")).to_contain_text("hello from ann")
        # Bob sees it under Ann's name: the server's, taken from her session.
        message = bob.locator(".messages li", has_text="hello from ann")
        await expect(message.locator("strong")).to_have_text(username)
        await expect(ann.locator("#message-text")).to_have_value("")
        # Bob's own join reached his page before Ann's message did.
        await expect(bob.locator(".status")).to_have_text("Live")

        # Carol's browser cannot open the socket: she posts through the API, the room hears her.
        carol = await open_room(f"{live.url}{room}", setup=without_websockets)
        await expect(carol.locator(".status")).to_contain_text("Reload the page for new")
        await send(carol, "hello from carol, over http")
        await expect(carol.locator(".messages")).to_contain_text("hello from carol")
        await expect(ann.locator(".messages")).to_contain_text("hello from carol")

    # The server is gone: the page says so, and keeps trying.
    await expect(ann.locator(".status")).to_contain_text("reconnecting")
    await expect(ann.locator(".status")).to_have_attribute("data-state", "busy")

    with serve(PORT=port):
        for page in (ann, bob):
            await expect(page.locator(".status")).to_contain_text("Live", timeout=RECONNECT_TIMEOUT)
        await send(bob, "back again")
        await expect(ann.locator(".messages")).to_contain_text("back again")
    # History and live messages were shown once each.
    await expect(ann.locator(".messages li", has_text="hello from ann")).to_have_count(1)
