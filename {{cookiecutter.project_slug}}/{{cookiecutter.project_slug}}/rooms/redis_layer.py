"""The channel layer on Redis, which reports an outage as LayerUnavailable, logged once.

While Redis is away every room page keeps reconnecting: a line per attempt would bury the cause,
so the outage is logged when it starts and when it ends. The consumer closes its socket with
4503 and a posted message is kept without its broadcast (see rooms/groups.py).
"""

import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from channels_redis import core
from redis.exceptions import RedisError

from .groups import LayerUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")


class RedisChannelLayer(core.RedisChannelLayer):
    """channels_redis's layer; a RedisError from any operation is raised as LayerUnavailable."""

    unavailable = False

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        await self._reporting_outages(super().send(channel, message))

    async def receive(self, channel: str) -> dict[str, Any]:
        return await self._reporting_outages(super().receive(channel))

    async def group_add(self, group: str, channel: str) -> None:
        await self._reporting_outages(super().group_add(group, channel))

    async def group_discard(self, group: str, channel: str) -> None:
        await self._reporting_outages(super().group_discard(group, channel))

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self._reporting_outages(super().group_send(group, message))

    async def _reporting_outages(self, operation: Awaitable[T]) -> T:
        try:
            result = await operation
        except RedisError as error:
            if not self.unavailable:
                logger.error("Redis unreachable, refusing WebSockets until it is back: %r", error)
            self.unavailable = True
            raise LayerUnavailable(repr(error)) from error
        if self.unavailable:
            logger.warning("Redis reachable again, accepting WebSockets")
            self.unavailable = False
        return result
