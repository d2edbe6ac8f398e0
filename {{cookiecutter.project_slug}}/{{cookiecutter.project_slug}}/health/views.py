from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .checks import shared_report


@never_cache
@require_GET
async def health(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, else 503: load balancers need only the status.

    The checks' names and times are for whoever sends `Authorization: Bearer <token>` with
    HEALTH_CHECK_TOKEN: they tell an attacker what the site depends on, and where.
    """
    report = await shared_report.get()
    status = 200 if report["status"] == "ok" else 503
    body = report if holds_the_token(request) else {"status": report["status"]}
    return JsonResponse(body, status=status)


def holds_the_token(request: HttpRequest) -> bool:
    token = settings.HEALTH_CHECK_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # Compared in constant time: how long a refusal takes says nothing about the token.
    return bool(token) and scheme.lower() == "bearer" and constant_time_compare(given, token)
