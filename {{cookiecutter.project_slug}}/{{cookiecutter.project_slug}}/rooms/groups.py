"""A room's group on the channel layer: its name, and broadcasting a stored message to it."""

import logging

from channels.layers import get_channel_layer

from .models import Message

logger = logging.getLogger(__name__)


class LayerUnavailable(Exception):
    """Raised by a channel layer that cannot reach the store its server processes share."""


def room_group(slug: str) -> str:
    """The channel-layer group of a room's members (names allow letters, digits, - _ and .)."""
    return f"room.{slug}"


async def broadcast(message: Message, room_slug: str) -> None:
    """Send a stored message to every member of its room (RoomConsumer.room_message).

    While the layer is unavailable the broadcast is lost, not the message: members get it with
    the history when their page reconnects.
    """
    channel_layer = get_channel_layer()
    if channel_layer is None:
        return
    event = {"type": "room.message", "message": message.as_dict(room_slug)}
    try:
        await channel_layer.group_send(room_group(room_slug), event)
    except LayerUnavailable as error:
        logger.warning(
            "Message %s stored but not broadcast, the channel layer is down: %s", message.pk, error
        )
