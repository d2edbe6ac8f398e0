from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health as health_checks


@never_cache
@require_GET
async def health(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, else 503: load balancers need only the status."""
    report = await health_checks.report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
