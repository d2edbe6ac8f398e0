"""`/api/rooms/<slug>/messages/` in FastAPI: a room's messages, newest first, and posting.

Routing and the schema's declarations; endpoints.py does the rest. api/fastapi_app.py includes
this router and turns errors into the API's shape.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from starlette.convertors import Convertor, register_url_convertor

from {{ cookiecutter.project_slug }}.api.fastapi_dependencies import (
    DjangoRequest,
    JSONObjectRoute,
    SessionUser,
)
from {{ cookiecutter.project_slug }}.api.schemas import Errors

from . import endpoints
from .schemas import SLUG_SCHEMA, MessageIn, MessageOut, MessagePage
from .slugs import SLUG_MAX_LENGTH, SLUG_PATTERN


class RoomSlugConvertor(Convertor[str]):
    """`{slug:room}`: only slugs a Room can have, like Django's `<room:slug>`.

    Another path is not this route's: Django answers it, with its 404.
    """

    # The lookahead bounds the length: in these paths a "/" always follows the slug.
    regex = "(?=[^/]{1," + str(SLUG_MAX_LENGTH) + "}/)" + SLUG_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("room", RoomSlugConvertor())

router = APIRouter(prefix="/api/rooms", tags=["rooms"], route_class=JSONObjectRoute)

MESSAGES = "/{slug:room}/messages/"
Slug = Annotated[str, Path(**SLUG_SCHEMA)]


def errors(*statuses: int) -> dict[int | str, dict[str, object]]:
    return {status: {"model": Errors} for status in statuses}


@router.get(
    MESSAGES,
    response_model=MessagePage,
    responses=errors(400, 404),
    summary="A room's messages, newest first, a page at a time",
)
async def list_messages(
    request: DjangoRequest, slug: Slug, page: Annotated[int, Query(ge=1)] = 1
) -> JSONResponse:
    # Returned as built, not re-validated against response_model: the tests hold it to it.
    return JSONResponse(await endpoints.list_messages(request, slug, page))


@router.post(
    MESSAGES,
    status_code=201,
    response_model=MessageOut,
    responses=errors(400, 403, 413, 429),
    summary="Post a message to a room, made on its first message",
)
async def create_message(
    request: DjangoRequest, user: SessionUser, slug: Slug, payload: MessageIn
) -> JSONResponse:
    message = await endpoints.create_message(request, user, slug, payload.model_dump())
    return JSONResponse(message, status_code=201)
