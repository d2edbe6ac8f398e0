"""The WebSocket route's Origin check: whole origins (scheme, host and port) from an allow-list.

A browser sends the origin of the page that opens a WebSocket, and sends cookies with the
handshake whichever page it is: a socket from a page of another origin must be refused, as
CSRF checks refuse its forms. Channels' AllowedHostsOriginValidator compares host names only,
so a page on another port of an allowed host, or on plain HTTP, would pass.
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .interface import ASGIApp, Receive, Scope, Send

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def parse_origin(value: str) -> Origin | None:
    """`(scheme, host, port)`, the default port filled in; None for anything else (e.g. "null")."""
    try:
        parts = urlsplit(value.strip().lower())
        port = parts.port
    except ValueError:  # a port that is not a number, an unclosed IPv6 bracket
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.username is not None or parts.query or parts.fragment:
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


class OriginValidator:
    """ASGI middleware: only handshakes whose Origin is one of `allowed_origins` go through.

    The others are refused before the application sees them (the WebSocket closer answers
    403). A malformed entry in `allowed_origins` stops the server from starting.
    """

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed: set[Origin] = set()
        for entry in allowed_origins:
            if (origin := parse_origin(entry)) is None:
                raise ImproperlyConfigured(
                    f"WEBSOCKET_ALLOWED_ORIGINS: {entry!r} is not an origin such as "
                    "https://example.com or http://localhost:8000."
                )
            self.allowed.add(origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [value for name, value in scope.get("headers", []) if name == b"origin"]
        origin = parse_origin(headers[0].decode("latin-1")) if len(headers) == 1 else None
        if origin in self.allowed:
            await self.app(scope, receive, send)
            return
        await receive()  # websocket.connect
        await send({"type": "websocket.close"})
