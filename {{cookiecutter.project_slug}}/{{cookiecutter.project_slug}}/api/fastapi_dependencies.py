"""What FastAPI's routes get from Django: its request, the session's user, and JSON bodies read
as the other frameworks read them.

DjangoScope (asgi/django_scope.py) runs each route inside Django's handler and middleware and
puts Django's request in the route's scope: the dependencies below take it from there.
"""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from fastapi import Depends, Request, Security
from fastapi.routing import APIRoute
from fastapi.security import APIKeyCookie
from starlette.responses import Response

from {{ cookiecutter.project_slug }}.asgi.django_scope import DJANGO_REQUEST
from {{ cookiecutter.project_slug }}.middleware.django_async_native import CsrfViewMiddleware

from .errors import CSRF_FAILED, ApiError
from .parsing import read_body, read_json_object

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


async def django_request(request: Request) -> HttpRequest:
    # Async, like every dependency here: FastAPI runs a plain function in a thread.
    return request.scope[DJANGO_REQUEST]


DjangoRequest = Annotated[HttpRequest, Depends(django_request)]

# Django's CSRF check on its own: the process_view that Django's handler runs before a view.
_csrf = CsrfViewMiddleware(lambda request: None)
# For the schema: the session rides in this cookie (Django's SessionMiddleware reads it).
session_cookie = APIKeyCookie(
    name=settings.SESSION_COOKIE_NAME,
    scheme_name="DjangoSession",
    description="Django's session; unsafe methods also need the X-CSRFToken header.",
    auto_error=False,
)


async def session_user(
    request: DjangoRequest, _cookie: Annotated[str | None, Security(session_cookie)]
) -> AbstractBaseUser | AnonymousUser:
    """The session's user (AnonymousUser if none); for unsafe methods, once CSRF is checked.

    A browser sends the session cookie with a forged cross-site request too: a request that
    changes something must also carry the CSRF token, as it must for Django's views.
    """
    unsafe = request.method not in SAFE_METHODS
    if unsafe and await _csrf.process_view(request, session_user, (), {}) is not None:
        raise ApiError.about_request(403, CSRF_FAILED)
    return await request.auser()


SessionUser = Annotated[AbstractBaseUser | AnonymousUser, Depends(session_user)]


class JSONObjectRequest(Request):
    """Its body read from Django's request, as the other frameworks read it (parsing.py): a JSON
    object, or the API's 400 or 413."""

    async def body(self) -> bytes:
        return read_body(self.scope[DJANGO_REQUEST])

    async def json(self) -> Any:
        return read_json_object(self.scope[DJANGO_REQUEST])


class JSONObjectRoute(APIRoute):
    """A route whose request is a JSONObjectRequest (FastAPI's way to change how it reads)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def json_object_handler(request: Request) -> Response:
            return await handler(JSONObjectRequest(request.scope, request.receive))

        return json_object_handler
