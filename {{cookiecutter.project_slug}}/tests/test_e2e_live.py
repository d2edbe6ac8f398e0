"""The live room page in a real headless Chromium against the real server: `pytest -m e2e`."""

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.plugins.browser import new_username, room_path, send, sign_up
from tests.server import Server, free_port

pytestmark = pytest.mark.e2e

# Milliseconds. The page's reconnect backoff tops out at 15 s; a restart takes a few seconds more.
RECONNECT_TIMEOUT = 45_000

Serve = Callable[..., AbstractContextManager[Server]]


def without_websockets(context: BrowserContext) -> None:
    # A browser without WebSocket support: the page stays on HTTP and posts through the API.
    context.add_init_script("delete window.WebSocket;")


def test_two_pages_chat_live_and_reconnect_after_a_server_restart(
    serve: Serve, open_room: Callable[..., Page]
):
    port = str(free_port())
    room, username = room_path(), new_username()
    with serve(PORT=port) as live:
        # Ann signs up on the way to the room; Bob, a visitor, does not.
        ann = open_room(f"{live.url}/accounts/signup/?next={room}")
        sign_up(ann, username)
        expect(ann).to_have_url(f"{live.url}{room}")
        expect(ann.locator(".status")).to_have_text("Live")
        bob = open_room(f"{live.url}{room}")
        for page in (ann, bob):
            expect(page.locator(".status")).to_contain_text("Live")
        # Ann hears that someone joined; Bob's own join is no news to Bob.
        expect(ann.locator(".status")).to_have_text("Live · anonymous joined")

        send(ann, "hello from ann")
        expect(ann.locator(".messages")).to_contain_text("hello from ann")
        # Bob sees it under Ann's name: the server's, taken from her session.
        message = bob.locator(".messages li", has_text="hello from ann")
        expect(message.locator("strong")).to_have_text(username)
        expect(ann.locator("#message-text")).to_have_value("")
        # Bob's own join reached his page before Ann's message did.
        expect(bob.locator(".status")).to_have_text("Live")

        # Carol's browser cannot open the socket: she posts through the API, the room hears her.
        carol = open_room(f"{live.url}{room}", setup=without_websockets)
        expect(carol.locator(".status")).to_contain_text("Reload the page for new")
        send(carol, "hello from carol, over http")
        expect(carol.locator(".messages")).to_contain_text("hello from carol")
        expect(ann.locator(".messages")).to_contain_text("hello from carol")

    # The server is gone: the page says so, and keeps trying.
    expect(ann.locator(".status")).to_contain_text("reconnecting")
    expect(ann.locator(".status")).to_have_attribute("data-state", "busy")

    with serve(PORT=port):
        for page in (ann, bob):
            expect(page.locator(".status")).to_contain_text("Live", timeout=RECONNECT_TIMEOUT)
        send(bob, "back again")
        expect(ann.locator(".messages")).to_contain_text("back again")
    # History and live messages were shown once each.
    expect(ann.locator(".messages li", has_text="hello from ann")).to_have_count(1)
