"""A request to an async view through the whole middleware stack makes no thread hop.

The project's handler (asgi/handler.py) makes none of its own for such a request, where
Django's hops for its request signals: with no middleware there is none, the floor. Every hop,
through sync_to_async or asyncio.to_thread, is a `loop.run_in_executor` call, so counting
those counts hops.
"""

import asyncio
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient
from django.urls import path

from {{ cookiecutter.project_slug }}.asgi.handler import LazyThreadASGIHandler

from tests.middleware_stacks import DJANGO_STACK, LOOP_BLOCK

# A valid CSRF secret, sent as the cookie and echoed in the header, as a page's script does.
CSRF_SECRET = "0123456789abcdefghijABCDEFGHIJkl"

SERVESTATIC = "servestatic.middleware.ServeStaticMiddleware"


async def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"hello {request.method}")


urlpatterns = [path("hello/", hello)]
pytestmark = pytest.mark.urls(__name__)


def hopped_to(func: Callable[..., Any]) -> str:
    """Name the sync function a hop runs, for the failure message.

    sync_to_async submits partial(thread_handler, ..., partial(the_function, *args)).
    """
    while isinstance(func, functools.partial):
        func = func.args[-1] if func.args and callable(func.args[-1]) else func.func
    return getattr(func, "__qualname__", repr(func))


async def thread_hops(method: str = "GET") -> list[str]:
    """Serve one request to /hello/ through a fresh handler; return the hops it made."""
    handler = LazyThreadASGIHandler()  # builds the middleware chain from the current settings
    loop = asyncio.get_running_loop()
    hops: list[str] = []
    run_in_executor = loop.run_in_executor

    def counting(executor: Any, func: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        hops.append(hopped_to(func))
        return run_in_executor(executor, func, *args)

    headers = [(b"host", b"testserver")]
    if method == "POST":
        cookie = f"csrftoken={CSRF_SECRET}".encode()
        headers += [(b"cookie", cookie), (b"x-csrftoken", CSRF_SECRET.encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/hello/",
        "raw_path": b"/hello/",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    requests = [{"type": "http.request", "body": b"", "more_body": False}]
    disconnected = asyncio.Event()  # never set: the client stays until the response is sent

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await disconnected.wait()
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    loop.run_in_executor = counting  # type: ignore[method-assign]
    try:
        await handler(scope, receive, send)
    finally:
        del loop.run_in_executor  # back to the class's method
    assert sent[0]["status"] == 200, sent
    assert b"".join(m.get("body", b"") for m in sent[1:]) == f"hello {method}".encode()
    return hops


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_the_whole_stack_adds_no_thread_hop(settings: LazySettings, method: str) -> None:
    # The stack of every environment, with local's loop-block watcher on top.
    stack = [LOOP_BLOCK, *settings.MIDDLEWARE]
    settings.MIDDLEWARE = []
    assert await thread_hops(method) == []
    settings.MIDDLEWARE = stack
    through_stack = await thread_hops(method)
    assert through_stack == [], "\n".join(through_stack)


async def test_django_own_stack_hops_so_the_count_can_fail(settings: LazySettings) -> None:
    settings.MIDDLEWARE = []
    floor = await thread_hops()
    settings.MIDDLEWARE = DJANGO_STACK
    # MiddlewareMixin: a hop for each process_request and process_response.
    assert len(await thread_hops()) > len(floor)


def test_servestatic_runs_right_after_the_security_middleware(settings: LazySettings) -> None:
    position = settings.MIDDLEWARE.index(SERVESTATIC)
    assert settings.MIDDLEWARE[position - 1].endswith(".SecurityMiddleware")


async def test_servestatic_adds_no_hop_to_a_dynamic_request(settings: LazySettings) -> None:
    # Production serves static files with DEBUG off: no per-request rescan of the disk.
    settings.DEBUG = False
    settings.MIDDLEWARE = []
    floor = await thread_hops()
    settings.MIDDLEWARE = [SERVESTATIC]
    assert len(await thread_hops()) == len(floor)


async def test_servestatic_answers_a_static_file_before_the_stack(
    settings: LazySettings, tmp_path: Path, async_client: AsyncClient
) -> None:
    # As in production: files collected into STATIC_ROOT, DEBUG off.
    (tmp_path / "site.css").write_text("body { margin: 0 }")
    settings.STATIC_ROOT = str(tmp_path)
    settings.SERVESTATIC_USE_STATIC_ROOT = True
    settings.DEBUG = False
    response = await async_client.get("/static/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b"".join([chunk async for chunk in response.streaming_content]) == b"body { margin: 0 }"
