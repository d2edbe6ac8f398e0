"""The WebSocket route's limit on open sockets per client address.

No ASGI server has one: each accepts as many sockets from one address as it is sent.
"""

import asyncio
import contextlib

from django.conf import settings

from {{ cookiecutter.project_slug }}.rate_limits import (
    CONNECTION_LEASE,
    aclose_connection,
    aopen_connection,
    arefresh_connection,
    cache_key,
    scope_client,
)

from .interface import ASGIApp, Receive, Scope, Send

POLICY_VIOLATION = 1008


class WebSocketConnectionLimit:
    """ASGI middleware: at most WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT sockets open per address.

    The handshake of one more is refused (a 403, like a refused origin). A slot is given back when
    its socket closes; a process that dies holding slots frees them CONNECTION_LEASE seconds
    after its sockets stopped refreshing them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = cache_key("websocket-open", scope_client(scope))
        if not await aopen_connection(key, settings.WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        refreshing = asyncio.create_task(self.refresh(key))
        try:
            await self.app(scope, receive, send)
        finally:
            refreshing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refreshing
            await aclose_connection(key)

    @staticmethod
    async def refresh(key: str) -> None:
        while True:
            await asyncio.sleep(CONNECTION_LEASE / 3)
            await arefresh_connection(key)
