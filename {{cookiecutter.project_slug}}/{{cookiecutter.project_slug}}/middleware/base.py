"""The base of the project's own middleware: async-only, so Django calls it without a thread hop."""

from collections.abc import Awaitable, Callable

from asgiref.sync import markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

GetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


class AsyncMiddleware:
    """Base of an async-only middleware: `__call__` must be a coroutine function.

    With `sync_capable = False`, Django's ASGI handler calls it directly, where a
    `MiddlewareMixin` class would cost up to two thread hops per request.
    """

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        # Django checks this mark to await us instead of wrapping us in sync_to_async.
        markcoroutinefunction(self)
