"""`/api/rooms/<slug>/messages/` in Django Ninja: a room's messages, newest first, and posting.

Routing and the schema's declarations; endpoints.py does the rest. api/ninja_api.py mounts this
router, authenticates and turns errors into the API's shape.
"""

from typing import Annotated

from django.http import HttpRequest, JsonResponse
from ninja import Path, Query, Router

from {{ cookiecutter.project_slug }}.api.schemas import Errors

from . import endpoints
from .schemas import SLUG_SCHEMA, MessageIn, MessageOut, MessagePage

router = Router(tags=["rooms"])

# `<room:slug>`, as in the other URLs: a path no Room can have is Django's 404.
MESSAGES = "/{room:slug}/messages/"
Slug = Annotated[str, Path(**SLUG_SCHEMA)]


@router.get(
    MESSAGES,
    response={200: MessagePage, 400: Errors, 404: Errors},
    auth=None,  # reading needs no session
    summary="A room's messages, newest first, a page at a time",
)
async def list_messages(
    request: HttpRequest, slug: Slug, page: Annotated[int, Query(ge=1)] = 1
) -> JsonResponse:
    # The body as built, not re-validated against the schema: the tests hold it to the schema.
    return JsonResponse(await endpoints.list_messages(request, slug, page))


@router.post(
    MESSAGES,
    response={201: MessageOut, 400: Errors, 403: Errors, 413: Errors, 429: Errors},
    summary="Post a message to a room, made on its first message",
)
async def create_message(request: HttpRequest, slug: Slug, payload: MessageIn) -> JsonResponse:
    # request.auth: the session's user, from api/ninja_api.py's DjangoSession.
    message = await endpoints.create_message(request, request.auth, slug, payload.model_dump())
    return JsonResponse(message, status=201)
