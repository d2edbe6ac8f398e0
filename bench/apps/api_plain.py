"""The yardstick of bench/api.py: a plain async view answering the same JSON as the API's
`GET /api/rooms/<slug>/messages/` (page 1), with no API framework between Django and the query:
the same two queries, the same dicts, the links built the same way."""

from django.http import JsonResponse
from my_async_project.rooms.models import Message

PAGE_SIZE = 50


async def messages(request, slug):
    room_messages = (
        Message.objects.filter(room__slug=slug).select_related("author").order_by("-created", "-id")
    )
    count = await room_messages.acount()
    results = [message.as_dict(slug) async for message in room_messages[:PAGE_SIZE]]
    next_page = request.build_absolute_uri(f"{request.path}?page=2") if count > PAGE_SIZE else None
    return JsonResponse({"count": count, "next": next_page, "previous": None, "results": results})
