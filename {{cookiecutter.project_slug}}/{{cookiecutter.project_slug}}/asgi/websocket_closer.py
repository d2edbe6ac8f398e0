"""The WebSocket route's closer: 1001 for open sockets on SIGTERM, an immediate 403 on refusal.

Left alone, servers close open sockets on their own terms: uvicorn with 1012, Granian without a
close frame (the browser sees 1006). 1001 is the code that says "this server is leaving,
reconnect". The server's own SIGTERM handler runs once our close frames are out (at most
CLOSE_WAIT later), so its draining is unchanged.
"""

import asyncio
import signal
import threading
from collections.abc import Coroutine
from types import FrameType
from typing import Any

from .interface import ASGIApp, Message, Receive, Scope, Send

GOING_AWAY = 1001
# How long SIGTERM waits for the close handshakes before the server's own handler runs: a
# client that never answers delays the stop by this much, not by the server's whole timeout.
CLOSE_WAIT = 1.0


class Socket:
    """One connection's `send`, which goes quiet once we have closed the socket ourselves."""

    def __init__(self, send: Send, scope: Scope) -> None:
        self._send = send
        self.accepted = False
        self.gone = False
        self.can_deny = "websocket.http.response" in (scope.get("extensions") or {})

    async def send(self, message: Message) -> None:
        if self.gone:
            return  # The consumer has not heard yet; the server would reject a send after close.
        if message["type"] == "websocket.accept":
            self.accepted = True
        elif message["type"] == "websocket.close" and not self.accepted and self.can_deny:
            await self.deny()
            return
        await self._send(message)

    async def deny(self) -> None:
        """Refuse the handshake (the Origin check does) with a 403 sent right away.

        Sent as a close, Granian holds the 403 back until the consumer has returned, which can
        take seconds while it waits on the channel layer. The ASGI denial response, where the
        server offers it, goes out at once.
        """
        self.gone = True
        start = {"type": "websocket.http.response.start", "status": 403}
        await self._send({**start, "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
        await self._send({"type": "websocket.http.response.body", "body": b"Forbidden"})

    async def go_away(self) -> None:
        if self.accepted and not self.gone:
            self.gone = True
            await self._send({"type": "websocket.close", "code": GOING_AWAY})


class WebSocketCloser:
    """ASGI middleware for the WebSocket route: knows every open socket, closes them on SIGTERM.

    It also answers refused handshakes at once (see `Socket.deny`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.sockets: set[Socket] = set()
        self._closing: set[asyncio.Task[None]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        socket = Socket(send, scope)
        self.sockets.add(socket)
        try:
            await self.app(scope, receive, socket.send)
        finally:
            self.sockets.discard(socket)

    def close_all(self) -> set[asyncio.Task[None]]:
        """Start closing every accepted socket with 1001: the tasks that do it."""
        return {self._keep(socket.go_away()) for socket in list(self.sockets)}

    def close_on_sigterm(self) -> None:
        """Run close_all ahead of the server's SIGTERM handler.

        Call it from lifespan startup: by then the server has installed its handler. Hypercorn's
        workers leave SIGTERM at its default (their supervisor stops them through an event) and
        Daphne sends no lifespan, so nothing is chained there and their behaviour is unchanged.
        """
        previous = signal.getsignal(signal.SIGTERM)
        if not callable(previous) or threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()

        async def stop_after(
            closing: set[asyncio.Task[None]], signum: int, frame: FrameType | None
        ) -> None:
            # The server's handler comes second: once it has run, the server closes every socket
            # itself, with its own code (uvicorn's 1012), on its next tick. Whatever happens to
            # our closes, the server still hears the signal.
            try:
                if closing:
                    await asyncio.wait(closing, timeout=CLOSE_WAIT)
            finally:
                previous(signum, frame)

        def close_all_then_stop(signum: int, frame: FrameType | None) -> None:
            # The closes start in the first callback after the signal: Granian's worker hears it
            # through the loop's wakeup fd (its Python-level handler is asyncio's no-op), later.
            self._keep(stop_after(self.close_all(), signum, frame))

        def handler(signum: int, frame: FrameType | None) -> None:
            # Signal handlers may interrupt the loop anywhere: hand over through its self-pipe.
            loop.call_soon_threadsafe(close_all_then_stop, signum, frame)

        signal.signal(signal.SIGTERM, handler)

    def _keep(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(coroutine)
        self._closing.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._closing.discard)
        return task
