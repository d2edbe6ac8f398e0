"""WebSocket members for the tests, through channels.testing and the project's real ASGI app."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings

from {{ cookiecutter.project_slug }}.rooms.groups import LayerUnavailable, room_group

from config.asgi import application

# Generous: the machine running the tests may be busy; a passing test never waits this long.
TIMEOUT = 5


def allowed_origin() -> bytes:
    """What a browser on the site's own pages sends (the Origin check refuses the rest)."""
    return settings.WEBSOCKET_ALLOWED_ORIGINS[0].encode()


def communicator(
    path: str = "/ws/rooms/lobby/", client: str | None = None, **headers: bytes
) -> WebsocketCommunicator:
    """A socket to the project's application; `client` is the address it comes from."""
    headers.setdefault("origin", allowed_origin())
    socket = WebsocketCommunicator(
        application, path, headers=[(name.encode(), value) for name, value in headers.items()]
    )
    if client is not None:
        socket.scope["client"] = [client, 50000]
    return socket


@asynccontextmanager
async def member(
    path: str = "/ws/rooms/lobby/", client: str | None = None, **headers: bytes
) -> AsyncIterator[WebsocketCommunicator]:
    """A connected member that has read its history and its own join event."""
    socket = communicator(path, client, **headers)
    connected, code = await socket.connect(timeout=TIMEOUT)
    assert connected, f"handshake refused with {code}"
    assert (await receive(socket))["type"] == "history"
    assert (await receive(socket))["type"] == "join"
    try:
        yield socket
    finally:
        await socket.disconnect()


async def receive(socket: WebsocketCommunicator) -> dict[str, Any]:
    return await socket.receive_json_from(timeout=TIMEOUT)


async def receive_type(socket: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    """The next frame of this type, skipping join/leave noise from other members."""
    while True:
        frame = await receive(socket)
        if frame["type"] == kind:
            return frame


async def close_code(socket: WebsocketCommunicator) -> int:
    """The code the server closes with; then the client completes the close, as a browser does."""
    output = await socket.receive_output(timeout=TIMEOUT)
    assert output["type"] == "websocket.close", output
    # Channels' default 1 s for the app to finish: a consumer whose Redis read is in flight may
    # need up to channels_redis's 5 s blocking wait, and is then cancelled, as a server does.
    await socket.disconnect(code=output["code"])
    return output["code"]


async def group_members(slug: str) -> set[str]:
    """Channel names in the room's group, read from the layer's own storage."""
    layer = get_channel_layer()
    group = room_group(slug)
    if isinstance(layer, InMemoryChannelLayer):
        return set(layer.groups.get(group, {}))
    # channels_redis keeps a group as a sorted set of channel names.
    connection = layer.connection(layer.consistent_hash(group))
    return {name.decode() for name in await connection.zrange(layer._group_key(group), 0, -1)}


class UnavailableLayer(InMemoryChannelLayer):
    """An in-memory layer on which the `failing` operations raise LayerUnavailable."""

    def __init__(self, failing: Iterable[str] = (), **config: Any) -> None:
        super().__init__(**config)
        self.failing = set(failing)

    def _unless_failing(self, operation: str) -> None:
        if operation in self.failing:
            raise LayerUnavailable(f"{operation} failed")

    async def group_add(self, group: str, channel: str) -> None:
        self._unless_failing("group_add")
        await super().group_add(group, channel)

    async def group_discard(self, group: str, channel: str) -> None:
        self._unless_failing("group_discard")
        await super().group_discard(group, channel)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self._unless_failing("group_send")
        await super().group_send(group, message)
