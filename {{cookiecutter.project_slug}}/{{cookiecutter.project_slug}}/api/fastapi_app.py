"""The project's FastAPI application, in front of Django's: FastAPI answers under /api/, Django
every other path.

Each of FastAPI's routes runs as Django's views do, inside Django's handler and MIDDLEWARE
(asgi/django_scope.py): the same request id, Server-Timing, host check, HTTPS redirect, security
headers, body limit and database connection handling as every page. The schema is at
/api/openapi.json, the docs at /api/docs, with Swagger UI's files served from STATIC_URL
("drf_spectacular_sidecar" in INSTALLED_APPS), not from a CDN.
"""

from typing import Any

from django.template.loader import render_to_string
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from {{ cookiecutter.project_slug }}.asgi.django_scope import DjangoScope
from {{ cookiecutter.project_slug }}.asgi.interface import ASGIApp, Receive, Scope, Send
from {{ cookiecutter.project_slug }}.rooms.api_fastapi import router as rooms_router

from .errors import API_PREFIX, ApiError
from .fastapi_dependencies import DjangoRequest

TITLE = {{ cookiecutter.project_name | tojson }}
OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class API(FastAPI):
    def openapi(self) -> dict[str, Any]:
        """FastAPI's schema without the 422 it adds to each operation that takes input: here
        invalid input is a 400, which each route declares."""
        schema = super().openapi()
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].pop("422", None)
        for name in ("HTTPValidationError", "ValidationError"):
            schema.get("components", {}).get("schemas", {}).pop(name, None)
        return schema


def in_front_of(django_application: ASGIApp) -> ASGIApp:
    """One ASGI application: FastAPI's routes, each run as a Django view; Django for the rest.

    FastAPI's routes all live under /api/: every other path goes to Django without passing
    through FastAPI at all.
    """
    app = API(
        title=TITLE,
        version={{ cookiecutter.version | tojson }},
        description='Chat rooms and their messages. Errors are `{"errors": {field: [message]}}`.',
        openapi_url=OPENAPI_URL,
        # FastAPI's own docs page has an inline script, which a Content-Security-Policy forbids.
        docs_url=None,
        redoc_url=None,
        exception_handlers={
            ApiError: api_error,
            RequestValidationError: request_invalid,
            HTTPException: http_error,
        },
    )
    app.include_router(rooms_router)
    app.add_api_route(DOCS_URL, docs, include_in_schema=False, response_class=HTMLResponse)
    # Django answers whatever no route of FastAPI's matches. As the router's default rather than
    # a mount at "/": a mount matches every method too, and would take a DELETE to an API path
    # from the route's 405.
    app.router.default = django_application

    def serves(scope: Scope) -> bool:
        """Whether FastAPI answers this request itself: a route of its own matches it, even for
        another method (a 405), or would once a trailing slash is added or removed (a redirect)."""
        path = scope["path"]
        other = {**scope, "path": path[:-1] if path.endswith("/") else f"{path}/"}
        return any(
            route.matches(candidate)[0] is not Match.NONE
            for candidate in (scope, other)
            for route in app.router.routes
        )

    api = DjangoScope(app, serves)

    async def site(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"].startswith(API_PREFIX):
            await api(scope, receive, send)
        else:
            await django_application(scope, receive, send)

    return site


async def docs(request: DjangoRequest) -> HTMLResponse:
    """Swagger UI, its script a static file: no inline script for a Content-Security-Policy to
    forbid. The page's CSRF token lets "Try it out" post."""
    context = {"title": TITLE, "openapi_url": OPENAPI_URL}
    return HTMLResponse(render_to_string("api/docs.html", context, request=request))


def respond(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body, status_code=error.status, headers=error.headers)


async def api_error(request: Request, error: ApiError) -> JSONResponse:
    return respond(error)


async def request_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    """A 400 (not FastAPI's 422) naming each field: `loc` is (source, field...)."""
    fields: dict[str, list[str]] = {}
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"][1:]) or "__all__"
        fields.setdefault(field, []).append(problem["msg"])
    return respond(ApiError(400, fields))


async def http_error(request: Request, error: HTTPException) -> JSONResponse:
    # FastAPI wraps what reading the body raised: an ApiError keeps its own answer.
    if isinstance(error.__cause__, ApiError):
        return respond(error.__cause__)
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return respond(ApiError(error.status_code, {"__all__": [error.detail]}, headers))


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path: Starlette's 405 names only the first route's
    (here GET's, not POST's, which is a route of its own)."""
    routes = request.app.router.routes

    def takes(method: str) -> bool:
        scope = {**request.scope, "method": method}
        return any(route.matches(scope)[0] is Match.FULL for route in routes)

    return [method for method in HTTP_METHODS if takes(method)]
