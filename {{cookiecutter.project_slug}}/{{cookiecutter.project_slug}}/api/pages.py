"""Numbered pages of a query's results: `{"count", "next", "previous", "results"}`.

Pages count from 1 (each framework's adapter reads `?page=`); `next` and `previous` are absolute
links, null at either end. A page past the end is a 404, except the first: a query with no
results has an empty first page.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .errors import ApiError

PAGE_SIZE = 50


async def numbered_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    number: int,
    item: Callable[[Model], dict[str, Any]],
) -> dict[str, Any]:
    """Page `number` of `queryset` (ordered), each result shown as `item` makes it."""
    count = await queryset.acount()
    start = (number - 1) * PAGE_SIZE
    if start >= count and number > 1:
        raise ApiError(404, {"page": [f"There is no page {number}."]})
    results = [item(result) async for result in queryset[start : start + PAGE_SIZE]]

    def link(page: int) -> str:
        return request.build_absolute_uri(f"{request.path}?page={page}")

    return {
        "count": count,
        "next": link(number + 1) if start + PAGE_SIZE < count else None,
        "previous": link(number - 1) if number > 1 else None,
        "results": results,
    }
