"""The ASGI lifespan protocol, which Django does not answer.

Servers that send it (uvicorn, Hypercorn, Granian) would log an error at start-up otherwise.
"""

from collections.abc import Callable, Iterable

from {{ cookiecutter.project_slug }}.health.checks import close_http_client

from .interface import Receive, Scope, Send


class Lifespan:
    """Answers startup and shutdown; shutdown closes the health check's pooled HTTP connections.

    Each `on_startup` hook runs in the server's event loop, once the server has started.
    """

    def __init__(self, on_startup: Iterable[Callable[[], None]] = ()) -> None:
        self.on_startup = list(on_startup)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                for hook in self.on_startup:
                    hook()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await close_http_client()
                await send({"type": "lifespan.shutdown.complete"})
                return
