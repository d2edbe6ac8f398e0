"""Two server processes share a room through Redis, as two machines behind a balancer do."""

import asyncio
import json
import re
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import httpx
import websockets

from tests.server import PLAIN_HTTP, Server

TIMEOUT = 10
# Longer than redis-py's 5 s default socket timeout, the read channels_redis blocks in.
IDLE = 7


async def receive_type(ws: websockets.ClientConnection, kind: str) -> dict[str, Any]:
    """The next frame of this type, skipping history and join/leave events."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        if frame["type"] == kind:
            return frame


async def post_through_the_api(server: Server, slug: str, text: str) -> httpx.Response:
    """POST as the room page does: with the CSRF token from the page and its cookie."""
    async with httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT, verify=PLAIN_HTTP) as client:
        page = await client.get(f"/rooms/{slug}/")
        token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)[1]
        # CSRF_COOKIE_SECURE keeps httpx from sending the cookie over plain HTTP: send it by hand.
        cookie = page.cookies["csrftoken"]
        return await client.post(
            f"/api/rooms/{slug}/messages/",
            json={"text": text},
            headers={"X-CSRFToken": token, "Cookie": f"csrftoken={cookie}"},
        )


async def test_a_member_on_one_process_hears_the_other_even_after_idling(
    shared_server: Server, serve: Callable[..., AbstractContextManager[Server]]
):
    slug = f"room-{uuid.uuid4().hex[:12]}"  # the live servers' database outlives a test
    a, earlier_log = shared_server, shared_server.log()
    # A second process, with the same environment: the same Redis and key prefix.
    with serve() as b:
        url_a, url_b = (f"{s.url.replace('http', 'ws', 1)}/ws/rooms/{slug}/" for s in (a, b))
        async with (
            websockets.connect(url_a, origin=a.url, open_timeout=TIMEOUT) as on_a,
            websockets.connect(url_b, origin=b.url, open_timeout=TIMEOUT) as on_b,
        ):
            await receive_type(on_a, "history")
            await receive_type(on_b, "history")
            await asyncio.sleep(IDLE)

            await on_b.send(json.dumps({"text": "from process b"}))
            assert (await receive_type(on_a, "message"))["text"] == "from process b"

            response = await post_through_the_api(b, slug, "via b's api")
            assert response.status_code == 201, response.text
            assert await receive_type(on_a, "message") == {"type": "message", **response.json()}
        # While serving (shutdown is tests/test_shutdown.py's business).
        assert "Traceback" not in a.log().removeprefix(earlier_log) + b.log()
