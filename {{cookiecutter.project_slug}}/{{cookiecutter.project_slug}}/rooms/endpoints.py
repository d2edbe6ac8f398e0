"""What the messages API does, whichever framework routes the request here.

The framework's adapter (rooms/api*.py) routes and parses the request, checks CSRF and turns
ApiError into a response; these functions hold the rest.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from {{ cookiecutter.project_slug }}.api.errors import ApiError
from {{ cookiecutter.project_slug }}.api.pages import numbered_page
from {{ cookiecutter.project_slug }}.rate_limits import ahit, cache_key, request_client

from .models import Message
from .permissions import LOGIN_TO_POST, may_post
from .services import post_message

User = AbstractBaseUser | AnonymousUser


async def list_messages(request: HttpRequest, slug: str, page: int) -> dict[str, Any]:
    """A room's messages, newest first, a page at a time; an unknown room has none."""
    room_messages = (
        Message.objects.filter(room__slug=slug).select_related("author").order_by("-created", "-id")
    )
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


async def admit_writer(request: HttpRequest, user: User) -> AbstractBaseUser | None:
    """The author to post as (None for a visitor), if this requester may write now.

    A visitor who may not post (rooms/permissions.py) gets a 403; a writer past the rate, per
    user or per client address for visitors, a 429 with Retry-After.
    """
    if not may_post(user):
        raise ApiError.about_request(403, LOGIN_TO_POST)
    writer = f"user:{user.pk}" if user.is_authenticated else f"client:{request_client(request)}"
    count = await ahit(cache_key("api-writes", writer), settings.RATE_LIMIT_API_WRITES)
    if not count.allowed:
        message = f"Too many messages: wait {count.retry_after} s."
        raise ApiError(429, {"__all__": [message]}, {"Retry-After": str(count.retry_after)})
    return user if user.is_authenticated else None
