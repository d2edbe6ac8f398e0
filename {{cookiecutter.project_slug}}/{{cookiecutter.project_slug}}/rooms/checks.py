"""The rooms' deployment check: an in-memory channel layer cannot span server processes."""

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"


@checks.register(checks.Tags.compatibility, deploy=True)
def check_channel_layer(
    app_configs: list[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """In production, an in-memory channel layer splits every room by server process.

    One process (bin/serve's default with this layer) is fine; WEB_CONCURRENCY above 1 is not.
    """
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND")
    if backend != IN_MEMORY_LAYER or settings.WEB_CONCURRENCY <= 1:
        return []
    return [
        checks.Warning(
            "The channel layer is in-memory: members connected to different server processes "
            "or machines never see each other's messages.",
            hint="Run a single server process (WEB_CONCURRENCY=1), or use a channel layer that "
            "processes share, such as channels_redis.core.RedisChannelLayer on a Redis server.",
            id="core.W001",
        )
    ]
