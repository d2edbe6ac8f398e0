"""Requests of another ASGI application (FastAPI's routes) served the way Django serves a view.

Django's handler does more for a view than call it: it reads the body (a view reading more
than DATA_UPLOAD_MAX_MEMORY_SIZE gets a 400), sends request_started and request_finished, whose
receivers close the request's database connections (or return them to the pool), and runs
MIDDLEWARE: the request id, Server-Timing, the host check, the HTTPS redirect, the security
headers, the session and the user, the error pages and their logging. FastAPI's routes get none
of that by themselves. `DjangoScope` hands the requests that `serves` picks to Django's handler,
with the wrapped application where the view would be; the application finds Django's request in
its scope (`DJANGO_REQUEST`). Other requests go straight to the application.

Responses are collected whole before the middleware sees them: right for JSON and pages, not for
a response that streams.
"""

import asyncio
from collections.abc import Callable
from http.cookies import SimpleCookie

from django.http import HttpRequest, HttpResponse

from .handler import LazyThreadASGIHandler
from .interface import ASGIApp, Message, Receive, Scope, Send

# The scope key under which the wrapped application finds Django's request.
DJANGO_REQUEST = "django_request"


class DjangoScope:
    """ASGI middleware: the requests `serves` picks go through Django's handler and middleware."""

    def __init__(self, app: ASGIApp, serves: Callable[[Scope], bool]) -> None:
        self.app = app
        self.serves = serves
        self.handler = AppAsView(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.serves(scope):
            await self.handler(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class AppAsView(LazyThreadASGIHandler):
    """The project's Django handler (handler.py), with an ASGI application in the place of URL
    resolution and view."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        super().__init__()  # builds the middleware chain around _get_response_async

    async def _get_response_async(self, request: HttpRequest) -> HttpResponse:
        # Django's own resolves the URL and calls the view; view middleware (CSRF's
        # process_view) is left to the application, which knows which requests need it.
        response = Collected()
        # No server extension applies (pathsend, trailers...): the response is sent from here.
        scope = {**request.scope, "extensions": {}, DJANGO_REQUEST: request}
        await self.app(scope, replay(request), response.send)
        return response.as_django()


def replay(request: HttpRequest) -> Receive:
    """The `receive` of a request whose body Django's handler has read: the body (within
    DATA_UPLOAD_MAX_MEMORY_SIZE, or RequestDataTooBig), then nothing.

    Django's handler watches the real one for the client going away, and cancels us if it does.
    """
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": request.body, "more_body": False}
        return await asyncio.Future()  # never set: nothing more comes

    return receive


class Collected:
    """An ASGI response, collected as it is sent, then handed back as Django's."""

    def __init__(self) -> None:
        self.start: Message | None = None
        self.parts: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.parts.append(message.get("body", b""))

    def as_django(self) -> HttpResponse:
        assert self.start is not None, "the application sent no response"
        response = HttpResponse(b"".join(self.parts), status=self.start["status"])
        del response["Content-Type"]  # the application's own, if any, follows
        for raw_name, raw_value in self.start.get("headers", []):
            name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
            if name.lower() == "set-cookie":
                response.cookies.update(SimpleCookie(value))
            elif name in response:
                response[name] = f"{response[name]}, {value}"
            else:
                response[name] = value
        return response
