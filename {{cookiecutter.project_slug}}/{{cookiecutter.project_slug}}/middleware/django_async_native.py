"""Async-native equivalents of Django's middleware, same names, same behaviour.

Django's classes are `MiddlewareMixin` subclasses: under ASGI the mixin runs each
`process_request` / `process_response` through `sync_to_async(thread_sensitive=True)`, a
thread hop each, and the handler wraps a sync `process_view` the same way. Each class here
subclasses Django's and calls its hooks inline from an async `__call__`. That is safe only
for hooks that do no I/O (they read settings, headers and cookies, and build responses):
each class says why its hooks qualify. Where Django's hook would do blocking I/O (saving
the session) the class uses the async API instead.
"""

import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import markcoroutinefunction
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions import middleware as sessions
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.middleware import clickjacking, common, {% if cookiecutter.django_version != "5.2" %}csp, {% endif %}csrf, security
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string

from .base import GetResponse


class InlineHooks:
    """Run a Django middleware's hooks on the event loop, in the order MiddlewareMixin does."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)  # Django's middleware class, then MiddlewareMixin
        # Django checks this mark to await us instead of wrapping us in sync_to_async.
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        if process_request := getattr(self, "process_request", None):
            response = process_request(request)
        response = response or await self.get_response(request)
        if process_response := getattr(self, "process_response", None):
            response = process_response(request, response)
        return response


class SecurityMiddleware(InlineHooks, security.SecurityMiddleware):
    """HTTPS redirect, HSTS, nosniff, Referrer-Policy, COOP: settings and headers only."""


{%- if cookiecutter.django_version != "5.2" %}


class ContentSecurityPolicyMiddleware(InlineHooks, csp.ContentSecurityPolicyMiddleware):
    """The Content-Security-Policy header from SECURE_CSP, and a lazy nonce: settings only."""
{%- endif %}


class SessionMiddleware(InlineHooks, sessions.SessionMiddleware):
    """Django's session middleware, saving through the session's async API.

    `process_request` only builds a lazy SessionStore (nothing is read until a view asks);
    the response side is Django's `process_response` with `a*` calls wherever the store
    may be read or written.
    """

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        self.process_request(request)
        response = await self.get_response(request)
        return await self.aprocess_response(request, response)

    async def aprocess_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        try:
            session = request.session
            accessed, modified, empty = session.accessed, session.modified, session.is_empty()
        except AttributeError:
            return response
        name = settings.SESSION_COOKIE_NAME
        need_vary_cookie = accessed
        if name in request.COOKIES and empty:
            # The session was flushed or never existed: drop the client's cookie.
            response.delete_cookie(
                name,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
            need_vary_cookie = True
        elif (modified or settings.SESSION_SAVE_EVERY_REQUEST) and not empty:
            if await session.aget_expire_at_browser_close():
                max_age, expires = None, None
            else:
                max_age = await session.aget_expiry_age()
                expires = http_date(time.time() + max_age)
            # Like Django: a 5xx response leaves the session as it was.
            if response.status_code < 500:
                try:
                    await session.asave()
                except UpdateError as exc:
                    raise SessionInterrupted(
                        "The request's session was deleted before the request completed. "
                        "The user may have logged out in a concurrent request, for example."
                    ) from exc
                response.set_cookie(
                    name,
                    session.session_key,
                    max_age=max_age,
                    expires=expires,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    path=settings.SESSION_COOKIE_PATH,
                    secure=settings.SESSION_COOKIE_SECURE or None,
                    httponly=settings.SESSION_COOKIE_HTTPONLY or None,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
                need_vary_cookie = True
        if need_vary_cookie:
            patch_vary_headers(response, ("Cookie",))
        return response


class CommonMiddleware(InlineHooks, common.CommonMiddleware):
    """Disallowed user agents, PREPEND_WWW, APPEND_SLASH, Content-Length.

    The slash check resolves URLs against the URLconf in memory: no I/O.
    """


class CsrfViewMiddleware(InlineHooks, csrf.CsrfViewMiddleware):
    """Django's CSRF checks, with the token read from its cookie.

    The hooks read cookies, headers and the request body, which the ASGI handler has
    already received in full before the view middleware runs. With CSRF_USE_SESSIONS the
    secret would come from the session, a blocking read: that setting is refused.
    """

    def __init__(self, get_response: GetResponse) -> None:
        if settings.CSRF_USE_SESSIONS:
            raise ImproperlyConfigured(
                "CSRF_USE_SESSIONS would read the session on the event loop; "
                "the async CsrfViewMiddleware keeps the CSRF secret in its cookie."
            )
        super().__init__(get_response)

    # A coroutine, so that Django's handler awaits it instead of running it in a thread.
    async def process_view(
        self,
        request: HttpRequest,
        callback: Callable[..., Any],
        callback_args: tuple[Any, ...],
        callback_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        return super().process_view(request, callback, callback_args, callback_kwargs)


class AuthenticationMiddleware(InlineHooks, auth.AuthenticationMiddleware):
    """Sets the lazy `request.user` and `request.auser`; the user is loaded only when asked for.

    Async views use `await request.auser()`, which reads the session through its async API.
    Once it has, `request.user` is that user: templates (the `user` of the auth context
    processor) then read it without the blocking load Django's lazy `request.user` would do.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        load = request.auser

        async def auser() -> Any:
            request.user = await load()
            return request.user

        request.auser = auser


class MessageMiddleware(InlineHooks, messages.MessageMiddleware):
    """Messages in a signed cookie: reading and storing them touches only the request and response.

    Any other MESSAGE_STORAGE may use the session, a blocking read: it is refused.
    """

    def __init__(self, get_response: GetResponse) -> None:
        if not issubclass(import_string(settings.MESSAGE_STORAGE), CookieStorage):
            raise ImproperlyConfigured(
                "The async MessageMiddleware needs MESSAGE_STORAGE = "
                '"django.contrib.messages.storage.cookie.CookieStorage": other storages '
                "may read the session on the event loop."
            )
        super().__init__(get_response)


class XFrameOptionsMiddleware(InlineHooks, clickjacking.XFrameOptionsMiddleware):
    """Sets X-Frame-Options from settings: a header only."""
