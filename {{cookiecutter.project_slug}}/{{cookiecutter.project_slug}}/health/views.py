from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .checks import report


@never_cache
@require_GET
async def health(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, else 503: load balancers need only the status."""
    body = await report()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
