"""Reused threads for the sync work of HTTP requests.

Django's ASGI handler gives each request a thread of its own for its sync work (the
request_started and request_finished receivers, sync_to_async calls, the async ORM): asgiref
starts that thread at the request's first sync call and joins it at the end. Those two thread
starts per request cost more than a small async view itself. Here each request borrows a
one-thread executor from a free list instead: the same guarantee (its sync work runs on one
thread that no other request in flight uses, so database connections stay per request), without
starting a thread per request. Django's own ThreadSensitiveContext sees ours and steps aside.
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext

from .interface import ASGIApp, Receive, Scope, Send

# Idle threads kept for the next requests: as many as requests in flight at the busiest, up to
# this. Above it a request starts a thread of its own, as with Django's default; an idle thread
# costs only as much of its stack's memory as it has touched.
KEEP_IDLE = 128


class ReusedRequestThreads:
    """ASGI middleware for the HTTP route: one reused sync thread per request in flight."""

    def __init__(self, app: ASGIApp, keep_idle: int = KEEP_IDLE) -> None:
        self.app = app
        self.keep_idle = keep_idle
        self.idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.idle:
            executor = self.idle.pop()  # the most recently used: its thread is the warmest
        else:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            if len(self.idle) < self.keep_idle:
                self.idle.append(executor)
            else:
                executor.shutdown(wait=False)
