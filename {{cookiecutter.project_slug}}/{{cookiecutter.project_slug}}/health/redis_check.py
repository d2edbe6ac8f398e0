"""/health/'s Redis check (settings.HEALTH_CHECKS): a PING on a connection of its own."""

from django.conf import settings
from redis.asyncio import Redis


async def check_redis() -> None:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    client = Redis.from_url(
        settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )
    try:
        await client.ping()
    finally:
        await client.aclose()
