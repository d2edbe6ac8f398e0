"""`/api/rooms/<slug>/messages/`: a room's messages as JSON, newest first, and posting one.

Plain Django async views around endpoints.py, which decides who may post and how often. CSRF
protection stays on: the page sends the token in the X-CSRFToken header.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from {{ cookiecutter.project_slug }}.api.errors import ApiError
from {{ cookiecutter.project_slug }}.api.parsing import read_json_object

from . import endpoints


def errors(error: ApiError) -> JsonResponse:
    """The one error shape: `{"errors": {field: [message, ...]}}`."""
    return JsonResponse(error.body, status=error.status, headers=error.headers)


@require_http_methods(["GET", "POST"])
async def messages(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        if request.method == "POST":
            return await create_message(request, slug)
        return await list_messages(request, slug)
    except ApiError as error:
        return errors(error)


async def list_messages(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        raise ApiError(400, {"page": ["Pages are numbered from 1."]})
    return JsonResponse(await endpoints.list_messages(request, slug, page))


async def create_message(request: HttpRequest, slug: str) -> JsonResponse:
    payload = read_json_object(request)
    user = await request.auser()
    message = await endpoints.create_message(request, user, slug, payload)
    return JsonResponse(message, status=201)
