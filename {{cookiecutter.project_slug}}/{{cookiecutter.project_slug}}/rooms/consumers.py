"""A room's live side: history on connect, then every message, join and leave as it happens."""

import contextlib
import uuid
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError

from {{ cookiecutter.project_slug }}.rate_limits import ahit, cache_key
from {{ cookiecutter.project_slug }}.strict_json import InvalidJSON, loads

from .groups import LayerUnavailable, room_group
from .models import Message, display_name
from .permissions import may_post
from .services import post_message

HISTORY_SIZE = 50
NOT_JSON = 'Frames must be JSON, such as {"text": "hello"}.'

# Close codes: 4000-4999 belong to the application, and live.js explains each one to the user.
CLOSE_LOGIN_REQUIRED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_UNAVAILABLE = 4503
# RFC 6455 "message too big". Uvicorn, Hypercorn and Daphne enforce the limit themselves
# (bin/serve passes them WEBSOCKET_MAX_MESSAGE_BYTES). Granian has no such setting, so the
# consumer does it.
CLOSE_TOO_BIG = 1009
# RFC 6455 "policy violation": a client that kept sending far past its rate limit.
CLOSE_POLICY_VIOLATION = 1008
# Past the rate limit a message is dropped with an error frame; past this many times the limit
# in one window, the client is ignoring those errors and the socket is closed.
CLOSE_AFTER_LIMITS = 2


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/rooms/<slug>/`: frames in are `{"text": "..."}`, frames out have a `type`.

    While the channel layer is unavailable, sockets close with 4503 (the page retries) rather
    than with a traceback.
    """

    slug: str
    author: AbstractBaseUser | None  # None: not logged in
    # Whose messages count towards the rate limit: the user's, or this socket's.
    sender: str
    joined = False
    # Once we have closed the socket, frames still on their way are ignored.
    closing = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # The layer can also fail while we wait on it for group messages.
        try:
            await super().__call__(scope, receive, send)
        except LayerUnavailable:
            with contextlib.suppress(Exception):  # the client may be gone already
                await send({"type": "websocket.close", "code": CLOSE_UNAVAILABLE})

    async def connect(self) -> None:
        self.slug = self.scope["url_route"]["kwargs"]["slug"]
        # The session's user (AuthMiddlewareStack), whatever the frames will say.
        user = self.scope["user"]
        if not may_post(user):
            # Accept first: a handshake refused outright reaches the browser as a bare 1006.
            await self.accept()
            await self.close(code=CLOSE_LOGIN_REQUIRED)
            return
        self.author = user if user.is_authenticated else None
        sender = f"user:{user.pk}" if user.is_authenticated else f"socket:{uuid.uuid4().hex}"
        self.sender = cache_key("websocket-messages", sender)
        try:
            await self.channel_layer.group_add(room_group(self.slug), self.channel_name)
        except LayerUnavailable:
            await self.accept()
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        self.joined = True
        await self.accept()
        history = await self.history()
        await self.send_json({"type": "history", "room": self.slug, "messages": history})
        await self.announce("room.join")

    async def disconnect(self, code: int) -> None:
        if not self.joined:
            return
        # While the layer is unavailable the membership stays until the group expires.
        with contextlib.suppress(LayerUnavailable):
            await self.channel_layer.group_discard(room_group(self.slug), self.channel_name)
            await self.announce("room.leave")

    async def history(self) -> list[dict[str, Any]]:
        """The last HISTORY_SIZE messages, oldest first (the order a chat reads)."""
        latest = (
            Message.objects.filter(room__slug=self.slug)
            .select_related("author")
            .order_by("-created", "-id")
        )
        messages = [message.as_dict(self.slug) async for message in latest[:HISTORY_SIZE]]
        return messages[::-1]

    async def announce(self, event: str) -> None:
        await self.channel_layer.group_send(
            room_group(self.slug),
            {"type": event, "room": self.slug, "author": display_name(self.author)},
        )

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        self.closing = True
        await super().close(code, reason)

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        if self.closing:
            return
        text, data = message.get("text"), message.get("bytes")
        size = len(text.encode(errors="surrogatepass")) if text is not None else len(data or b"")
        if size > settings.WEBSOCKET_MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        await super().websocket_receive(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Every bad frame gets an error reply; none of them closes the socket.
        if not await self.within_rate_limit():
            return
        if text_data is None:
            await self.send_error('Binary frames are not accepted; send {"text": "..."} as text.')
            return
        try:
            content = loads(text_data)
        except InvalidJSON as error:
            await self.send_error(f"{NOT_JSON} {error}")
            return
        await self.receive_json(content)

    async def within_rate_limit(self) -> bool:
        """Count this frame; past the limit, say so (or, far past it, close) and drop it."""
        count = await ahit(self.sender, settings.RATE_LIMIT_WEBSOCKET_MESSAGES)
        if count.allowed:
            return True
        if count.hits > CLOSE_AFTER_LIMITS * count.limit:
            await self.close(code=CLOSE_POLICY_VIOLATION)
        else:
            error = f"Too many messages: wait {count.retry_after} s before sending more."
            await self.send_json(
                {
                    "type": "error",
                    "code": "rate_limited",
                    "error": error,
                    "retry_after": count.retry_after,
                }
            )
        return False

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("text"), str):
            await self.send_error('Frames must be a JSON object with a "text" string.')
            return
        try:
            # Stores the message and broadcasts it to the room, this socket included.
            await post_message(self.slug, author=self.author, text=content["text"])
        except ValidationError as error:
            await self.send_error(" ".join(error.messages))

    async def send_error(self, error: str) -> None:
        await self.send_json({"type": "error", "error": error})

    # Group events (groups.broadcast and announce); `type` "room.message" calls room_message.

    async def room_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "message", **event["message"]})

    async def room_join(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "join", "room": event["room"], "author": event["author"]})

    async def room_leave(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "leave", "room": event["room"], "author": event["author"]})


class UnknownPathConsumer(AsyncJsonWebsocketConsumer):
    """Any other path under the WebSocket router: refused with a code instead of a traceback."""

    async def connect(self) -> None:
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND)
