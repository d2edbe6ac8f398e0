"""The project's Django Ninja API at /api/: its schema, docs, session authentication and errors.

config/urls.py mounts it; each app adds its router (rooms/api_ninja.py). The schema is at
/api/openapi.json, the docs at /api/docs, with Swagger UI's files served from STATIC_URL
("ninja" in INSTALLED_APPS), not from a CDN.
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.parser import Parser
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from {{ cookiecutter.project_slug }}.rooms.api_ninja import router as rooms_router

from .errors import CSRF_FAILED, ApiError
from .parsing import read_json_object, too_big


class JSONObjectBody(Parser):
    """Request bodies read as the other frameworks read them (parsing.py)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return read_json_object(request)


class DjangoSession(SessionAuth):
    """Django's session, with the CSRF check cookies need on unsafe methods.

    Visitors who are not logged in pass as AnonymousUser: who may do what is the endpoints'
    decision, answered in the API's error shape. Async, so no thread hop per request.
    """

    async def __call__(self, request: HttpRequest) -> Any:
        if check_csrf(request) is not None:
            raise ApiError.about_request(403, CSRF_FAILED)
        return await request.auser()


api = NinjaAPI(
    title={{ cookiecutter.project_name | tojson }},
    version={{ cookiecutter.version | tojson }},
    description='Chat rooms and their messages. Errors are `{"errors": {field: [message]}}`.',
    # Swagger UI would otherwise send the schema to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    # On the whole API, so that the docs page sends the CSRF token; reads opt out.
    auth=DjangoSession(),
    parser=JSONObjectBody(),
    urls_namespace="api",
)
api.add_router("/rooms/", rooms_router)


def respond(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = api.create_response(request, error.body, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


# Ninja calls exception handlers synchronously: plain functions.
@api.exception_handler(ApiError)
def api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return respond(request, error)


@api.exception_handler(RequestInvalid)
def request_invalid(request: HttpRequest, error: RequestInvalid) -> HttpResponse:
    """A 400 (not Ninja's 422) naming each field: `loc` is (source, [body parameter,] field...)."""
    fields: dict[str, list[str]] = {}
    for problem in error.errors:
        source, *path = problem["loc"]
        if source == "body":
            path = path[1:]  # the view's parameter name, not part of the request
        field = ".".join(str(part) for part in path) or "__all__"
        fields.setdefault(field, []).append(problem["msg"])
    return respond(request, ApiError(400, fields))


@api.exception_handler(RequestDataTooBig)
def request_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    # Ninja looks at the body before its parser does.
    return respond(request, too_big())


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    # Ninja wraps what its parser raises: an ApiError keeps its own answer.
    if isinstance(error.__cause__, ApiError):
        return respond(request, error.__cause__)
    return respond(request, ApiError.about_request(error.status_code, str(error)))
