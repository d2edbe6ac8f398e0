"""System checks for what the settings alone cannot refuse."""

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"


@checks.register(checks.Tags.compatibility, deploy=True)
def check_channel_layer(
    app_configs: list[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """In production, an in-memory channel layer splits every room by server process."""
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND")
    if backend != IN_MEMORY_LAYER:
        return []
    return [
        checks.Warning(
            "The channel layer is in-memory: members connected to different server processes "
            "or machines never see each other's messages.",
            hint="Run a single server process (WEB_CONCURRENCY=1), or bake with use_redis and "
            "set REDIS_URL to use channels_redis.core.RedisChannelLayer.",
            id="core.W001",
        )
    ]
