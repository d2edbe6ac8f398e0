"""What the messages API does, whichever framework routes the request here.

The framework's adapter (rooms/api*.py) routes and parses the request, checks CSRF and turns
ApiError into a response; these functions hold the rest.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from {{ cookiecutter.project_slug }}.api.errors import ApiError
from {{ cookiecutter.project_slug }}.api.pages import numbered_page

from .models import Message
from .services import post_message

ANONYMOUS = "anonymous"

User = AbstractBaseUser | AnonymousUser


async def list_messages(request: HttpRequest, slug: str, page: int) -> dict[str, Any]:
    """A room's messages, newest first, a page at a time; an unknown room has none."""
    room_messages = Message.objects.filter(room__slug=slug).order_by("-created", "-id")
    return await numbered_page(request, room_messages, page, lambda message: message.as_dict(slug))


async def create_message(
    request: HttpRequest, user: User, slug: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """Post `payload`'s text to the room (made on first use) as `user`, the session's."""
    author = await admit_writer(request, user)
    try:
        message = await post_message(slug, author=author, text=payload.get("text"))
    except ValidationError as error:
        raise ApiError.invalid(error) from None
    return message.as_dict(slug)


async def admit_writer(request: HttpRequest, user: User) -> str:
    """Whether this requester may write now, and the author name to write under.

    Anyone may: as the session's user, or as "anonymous". The place for refusals (401 or 403
    for who may not post, 429 for too many posts): raise ApiError.
    """
    return user.get_username() if user.is_authenticated else ANONYMOUS
