"""`/api/rooms/<slug>/messages/`: a room's messages as JSON, newest first, and posting one.

CSRF protection stays on: the page sends the token in the X-CSRFToken header. A visitor who
may not post (rooms/permissions.py) gets a 403. Posting is rate limited per user, or per client
address for visitors who are not logged in.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from {{ cookiecutter.project_slug }}.rate_limits import ahit, cache_key, request_client
from {{ cookiecutter.project_slug }}.strict_json import InvalidJSON, loads

from .models import Message
from .permissions import LOGIN_TO_POST, may_post
from .services import post_message

PAGE_SIZE = 50
SEND_AN_OBJECT = 'Send a JSON object, such as {"text": "hello"}.'


def errors(status: int, **fields: list[str]) -> JsonResponse:
    """The one error shape: `{"errors": {field: [message, ...]}}`."""
    return JsonResponse({"errors": fields}, status=status)


@require_http_methods(["GET", "POST"])
async def messages(request: HttpRequest, slug: str) -> JsonResponse:
    if request.method == "POST":
        return await create_message(request, slug)
    return await list_messages(request, slug)


async def list_messages(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        return errors(400, page=["Pages are numbered from 1."])

    room_messages = (
        Message.objects.filter(room__slug=slug).select_related("author").order_by("-created", "-id")
    )
    count = await room_messages.acount()
    start = (page - 1) * PAGE_SIZE
    if start >= count and page > 1:
        return errors(404, page=[f"There is no page {page}."])
    results = [message.as_dict(slug) async for message in room_messages[start : start + PAGE_SIZE]]

    def link(number: int) -> str:
        return request.build_absolute_uri(f"{request.path}?page={number}")

    body: dict[str, Any] = {
        "count": count,
        "next": link(page + 1) if start + PAGE_SIZE < count else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": results,
    }
    return JsonResponse(body)


async def create_message(request: HttpRequest, slug: str) -> JsonResponse:
    # The author is whoever the session says, never what the body says.
    user = await request.auser()
    if not may_post(user):
        return errors(403, **{NON_FIELD_ERRORS: [LOGIN_TO_POST]})
    writer = f"user:{user.pk}" if user.is_authenticated else f"client:{request_client(request)}"
    count = await ahit(cache_key("api-writes", writer), settings.RATE_LIMIT_API_WRITES)
    if not count.allowed:
        response = errors(
            429, **{NON_FIELD_ERRORS: [f"Too many messages: wait {count.retry_after} s."]}
        )
        response["Retry-After"] = str(count.retry_after)
        return response

    try:
        payload = loads(request.body)
    except RequestDataTooBig:
        too_big = f"Send at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."
        return errors(413, **{NON_FIELD_ERRORS: [too_big]})
    except InvalidJSON as error:
        return errors(400, **{NON_FIELD_ERRORS: [f"{SEND_AN_OBJECT} {error}"]})
    if not isinstance(payload, dict):
        return errors(400, **{NON_FIELD_ERRORS: [SEND_AN_OBJECT]})

    author = user if user.is_authenticated else None
    try:
        message = await post_message(slug, author=author, text=payload.get("text"))
    except ValidationError as error:
        return errors(400, **error.message_dict)
    return JsonResponse(message.as_dict(slug), status=201)
