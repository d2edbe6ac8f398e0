"""Django's ASGI handler, with a thread for a request only when the request does sync work.

Django's `ASGIHandler` spends more CPU on its own plumbing than a small async view costs. For
every request it starts a thread for the request's sync work and joins it at the end, sends
`request_started` and `request_finished` through `sync_to_async` (two thread hops, even when
every receiver only touches that thread's database connections), and runs a disconnect
listener in a task group (a task, a cancellation and an exception group, even for a view that
never awaits anything).

`LazyThreadASGIHandler` keeps Django's request path (`read_body`, `create_request`, the
middleware, `get_response_async`, `send_response` are Django's own) and changes only that
plumbing:

* A request's thread is lent lazily. The request's `ThreadSensitiveContext` borrows a
  one-thread executor from a free list at the first sync call (`sync_to_async`, the async ORM,
  a sync middleware or view) and gives it back at the end. A request that makes no sync call
  borrows no thread and makes no hop. One that does still runs all its sync work on one thread
  that no other request in flight uses, as Django guarantees.
* Django's own request signal receivers run where they have an effect, without a hop.
  `reset_queries` and `close_old_connections` act on the current thread's database
  connections: they run on the request's thread, before its first sync call
  (`request_started`) and after its last (`request_finished`); a request that never had a
  thread has no connection for them to act on. `reset_urlconf` (a context variable) and
  `close_caches` (when every cache in use has the base class's no-op `close()`) run inline.
  Any other receiver (the project's, sync or async), or a response whose `close()` has more to
  do than close its request, and the signals are sent exactly as Django sends them.
* The disconnect listener starts when the request first suspends (awaits something that is not
  ready). Until then the event loop could not run it anyway: a request that completes without
  suspending could not have noticed a disconnect under Django's handler either.

Everything else is Django's: responses, headers, error handling, logging, streaming.
tests/test_handler.py serves the same requests through both handlers and compares what a
client, the signal receivers and the database see.

An ASGI application in front of Django's (one that answers some paths itself) gives its own
requests the same lazily lent thread, from the same free list, with `LazyRequestThread`:

    django_application = LazyThreadASGIHandler()
    front = LazyRequestThread(front_application, django_application.threads)

It lends the thread only: Django's request signals, and so the closing of the thread's
database connections, are sent by a Django handler the request goes through, as for Django's.
"""

import asyncio
from collections.abc import Callable, Generator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import suppress
from types import TracebackType
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.cache import caches
from django.core.cache import close_caches as django_close_caches
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import RequestAborted
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.handlers.asgi import ASGIHandler, ASGIRequest, get_script_prefix
from django.core.handlers.base import reset_urlconf
from django.db import close_old_connections, reset_queries
from django.dispatch import Signal
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import set_script_prefix
from django.utils.module_loading import import_string

from .interface import ASGIApp, Receive, Scope, Send

# Receivers that act only on the current thread's database connections: they run on the
# request's thread, if it has one.
THREAD_RECEIVERS = frozenset({reset_queries, close_old_connections})
# Receivers that touch only the request's context (a context variable, the caches in it).
INLINE_RECEIVERS = frozenset({reset_urlconf, django_close_caches})
KNOWN_RECEIVERS = THREAD_RECEIVERS | INLINE_RECEIVERS

# Idle threads kept for later requests: as many as requests with sync work in flight at the
# busiest, up to this. Above it a request starts a thread of its own, as with Django's handler;
# an idle thread costs only as much of its stack's memory as it has touched.
KEEP_IDLE = 128


class RequestThreads:
    """A free list of one-thread executors, each lent to one request at a time."""

    def __init__(self, keep_idle: int = KEEP_IDLE) -> None:
        self.keep_idle = keep_idle
        self.idle: list[ThreadPoolExecutor] = []

    def borrow(self) -> ThreadPoolExecutor:
        if self.idle:
            return self.idle.pop()  # the most recently used: its thread is the warmest
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")

    def give_back(self, executor: ThreadPoolExecutor) -> None:
        if len(self.idle) < self.keep_idle:
            self.idle.append(executor)
        else:
            executor.shutdown(wait=False)


class LazyRequestExecutor(Executor):
    """One request's sync thread: borrowed at the first call, then one call at a time.

    `before_first` runs on the thread ahead of the first call: the request_started receivers
    that act on the thread's database connections.
    """

    def __init__(self, threads: RequestThreads) -> None:
        self.threads = threads
        self.executor: ThreadPoolExecutor | None = None
        self.before_first: Callable[[], None] | None = None
        self.last: Future | None = None  # the latest call: done means the thread is idle

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        if self.executor is None:
            self.executor = self.threads.borrow()
            if self.before_first is not None:
                before, self.before_first = self.before_first, None
                self.last = self.executor.submit(_after, before, fn, args, kwargs)
                return self.last
        self.last = self.executor.submit(fn, *args, **kwargs)
        return self.last

    def give_back(self, finished: bool) -> None:
        """Back to the free list if the thread is idle and the request ran to its end; else
        retired: a task the request started may still be using it, or request_finished's
        receivers did not run on it."""
        if self.executor is None:
            return
        if finished and (self.last is None or self.last.done()):
            self.threads.give_back(self.executor)
        else:
            self.executor.shutdown(wait=False)
        self.executor = None

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing of the request's own to shut down: give_back() returns the thread."""


class RequestThreadContext(ThreadSensitiveContext):
    """A request's ThreadSensitiveContext, its thread lent by `threads` and given back on exit."""

    def __init__(self, threads: RequestThreads) -> None:
        self.lazy = LazyRequestExecutor(threads)
        super().__init__(executor=self.lazy)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await super().__aexit__(exc_type, exc, tb)
        finally:
            self.lazy.give_back(finished=exc_type is None)


class LazyRequestThread:
    """ASGI middleware: each HTTP request's sync work on a thread lent at its first sync call.

    For an application in front of Django's handler; pass the handler's `threads` to share its
    free list. Django's handler, further in, enters a context of its own.
    """

    def __init__(self, app: ASGIApp, threads: RequestThreads) -> None:
        self.app = app
        self.threads = threads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with RequestThreadContext(self.threads):
            await self.app(scope, receive, send)


def _after(before: Callable[[], None], fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    before()
    return fn(*args, **kwargs)


def _send_to(receivers: list[Callable[..., Any]], signal: Signal, sender: Any, named: dict) -> None:
    """Signal.send's loop, for receivers already picked (an exception propagates, as in send)."""
    for receiver in receivers:
        receiver(signal=signal, sender=sender, **named)


def _caches_close_inline() -> bool:
    """Whether every cache this request's context opened has BaseCache's no-op close()."""
    return all(type(cache).close is BaseCache.close for cache in caches.all(initialized_only=True))


def _configured_caches_close_inline() -> bool:
    """Whether every backend in CACHES has BaseCache's no-op close(): then, once checked, no
    request needs to look at its caches."""
    backends = (import_string(cache["BACKEND"]) for cache in caches.settings.values())
    return all(backend.close is BaseCache.close for backend in backends)


def _request_closes_inline(request: HttpRequest) -> bool:
    """Whether ASGIRequest.close() does nothing that blocks: no upload spooled to a file."""
    if type(request).close is not ASGIRequest.close:
        return False
    files = getattr(request, "_files", None)
    return not files or all(
        isinstance(file, InMemoryUploadedFile) for _, values in files.lists() for file in values
    )


class _StartOnSuspend:
    """Awaits `coro`, calling `on_suspend()` the first time it suspends (before the loop runs)."""

    __slots__ = ("coro", "on_suspend")

    def __init__(self, coro: Any, on_suspend: Callable[[], None]) -> None:
        self.coro = coro
        self.on_suspend = on_suspend

    def __await__(self) -> Generator[Any, None, Any]:
        steps = self.coro.__await__()
        try:
            yielded = steps.send(None)
        except StopIteration as done:
            return done.value
        self.on_suspend()
        while True:
            try:
                yield yielded
            except GeneratorExit:
                steps.close()
                raise
            except BaseException as exc:  # cancellation included: passed on, as a task would
                try:
                    yielded = steps.throw(exc)
                except StopIteration as done:
                    return done.value
                continue
            break
        return (yield from steps)


class LazyThreadASGIHandler(ASGIHandler):
    """ASGIHandler whose requests go to a thread only for their own sync work."""

    # The sender of request_started/request_finished and response._handler_class: Django's
    # class, so that receivers connected with sender=ASGIHandler hear these requests too.
    signal_sender = ASGIHandler

    def __init__(self, keep_idle: int = KEEP_IDLE) -> None:
        super().__init__()
        self.threads = RequestThreads(keep_idle)
        self.caches_close_inline = _configured_caches_close_inline()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        async with RequestThreadContext(self.threads) as context:
            await self.handle_lazily(scope, receive, send, context.lazy)

    # --- the request signals -----------------------------------------------------------------

    async def send_request_started(self, scope: Scope, lazy: LazyRequestExecutor) -> None:
        signal, sender = signals.request_started, self.signal_sender
        sync_receivers, async_receivers = signal._live_receivers(sender)
        if async_receivers or not KNOWN_RECEIVERS.issuperset(sync_receivers):
            await signal.asend(sender=sender, scope=scope)
            return
        if inline := [r for r in sync_receivers if r in INLINE_RECEIVERS]:
            _send_to(inline, signal, sender, {"scope": scope})
        if on_thread := [r for r in sync_receivers if r in THREAD_RECEIVERS]:
            # Before the request's first sync call, on its thread; never, if it makes none.
            lazy.before_first = lambda: _send_to(on_thread, signal, sender, {"scope": scope})

    def finished_receivers(self) -> list[Callable[..., Any]] | None:
        """request_finished's receivers, or None when one is not Django's own (then the signal
        is sent Django's way)."""
        sync_receivers, async_receivers = signals.request_finished._live_receivers(
            self.signal_sender
        )
        if async_receivers or not KNOWN_RECEIVERS.issuperset(sync_receivers):
            return None
        return sync_receivers

    async def send_request_finished(
        self, receivers: list[Callable[..., Any]], lazy: LazyRequestExecutor
    ) -> None:
        signal, sender = signals.request_finished, self.signal_sender
        on_thread = [r for r in receivers if r in THREAD_RECEIVERS]
        inline = []
        for receiver in receivers:
            if receiver in THREAD_RECEIVERS:
                continue
            if (
                receiver is django_close_caches
                and not self.caches_close_inline
                and not _caches_close_inline()
            ):
                on_thread.append(receiver)  # a cache whose close() does I/O
            else:
                inline.append(receiver)
        if inline:
            _send_to(inline, signal, sender, {})
        if on_thread and (lazy.executor is not None or django_close_caches in on_thread):
            lazy.before_first = None  # a thread borrowed only now has no connection to reset
            await sync_to_async(_send_to)(on_thread, signal, sender, {})

    async def close_response(self, response: HttpResponseBase, lazy: LazyRequestExecutor) -> None:
        """response.close(): inline when it only closes the request and sends the signal."""
        receivers = self.finished_receivers()
        if (
            receivers is None
            or type(response).close is not HttpResponseBase.close
            or not all(
                getattr(closer, "__func__", None) is ASGIRequest.close
                and _request_closes_inline(closer.__self__)
                for closer in response._resource_closers
            )
        ):
            await sync_to_async(response.close)()
            return
        for closer in response._resource_closers:
            with suppress(Exception):  # as HttpResponseBase.close()
                closer()
        response._resource_closers.clear()
        response.closed = True
        await self.send_request_finished(receivers, lazy)

    async def finish_without_response(self, lazy: LazyRequestExecutor) -> None:
        receivers = self.finished_receivers()
        if receivers is None:
            await signals.request_finished.asend(sender=self.signal_sender)
        else:
            await self.send_request_finished(receivers, lazy)

    # --- the request -------------------------------------------------------------------------

    async def run_get_response(self, request: HttpRequest) -> HttpResponseBase:
        response = await super().run_get_response(request)
        response._handler_class = self.signal_sender
        return response

    async def handle_lazily(
        self, scope: Scope, receive: Receive, send: Send, lazy: LazyRequestExecutor
    ) -> None:
        """Django's handle(), with the signals sent and the response closed as above."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            set_script_prefix(get_script_prefix(scope))
            await self.send_request_started(scope, lazy)
            request, error_response = self.create_request(scope, body_file)
            if request is None:
                body_file.close()
                await self.send_response(error_response, send)
                await self.close_response(error_response, lazy)
                return
            response = await self.respond_or_abort(request, receive, send)
            if response is None:
                await self.finish_without_response(lazy)
            else:
                await self.close_response(response, lazy)
        finally:
            body_file.close()

    async def respond_or_abort(
        self, request: HttpRequest, receive: Receive, send: Send
    ) -> HttpResponseBase | None:
        """Get and send the response. When the client goes away first, cancel that and return
        None (or the response, if it was being sent), as Django's task group does."""
        task = asyncio.current_task()
        assert task is not None
        listener: asyncio.Task | None = None
        aborted: list[BaseException] = []  # what the listener saw: RequestAborted, or an error
        response = None

        async def listen_for_disconnect() -> None:
            try:
                await self.listen_for_disconnect(receive)
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # RequestAborted; AssertionError on a wrong message
                aborted.append(exc)
                task.cancel()

        def start_listener() -> None:
            nonlocal listener
            listener = asyncio.ensure_future(listen_for_disconnect())

        async def get_and_send() -> None:
            nonlocal response
            response = await self.run_get_response(request)
            await self.send_response(response, send)

        try:
            await _StartOnSuspend(get_and_send(), start_listener)
        except asyncio.CancelledError:
            if not aborted:
                raise  # cancelled from outside (the server stopping): propagate, as Django
            task.uncancel()
        except RequestAborted:
            pass  # raised by the view or while reading the body, as Django's except*
        finally:
            if listener is not None and not listener.done():
                listener.cancel()
                try:
                    await listener
                except asyncio.CancelledError:
                    if task.cancelling():
                        raise  # this request is cancelled itself, not only the listener
        if aborted and not isinstance(aborted[0], RequestAborted):
            raise aborted[0]  # an invalid ASGI message, as Django
        return response
