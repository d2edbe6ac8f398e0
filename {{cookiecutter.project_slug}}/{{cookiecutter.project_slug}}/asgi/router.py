"""One application per connection type, as Channels' ProtocolTypeRouter does."""

from collections.abc import Mapping

from .interface import ASGIApp, Receive, Scope, Send


class ProtocolTypeRouter:
    """`ProtocolTypeRouter({"http": ..., "lifespan": ...})`: hands each scope to its type's app."""

    def __init__(self, application_mapping: Mapping[str, ASGIApp]) -> None:
        self.application_mapping = dict(application_mapping)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        application = self.application_mapping.get(scope["type"])
        if application is None:
            raise ValueError(f"No application configured for scope type {scope['type']!r}")
        await application(scope, receive, send)
