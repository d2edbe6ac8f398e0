"""Each HTTP request's sync work runs on a reused thread of its own (config/asgi.py)."""

import asyncio
import threading

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import path

from {{ cookiecutter.project_slug }}.asgi.request_threads import ReusedRequestThreads

# The threads that ran each request's sync call, in order. Kept alive, so identity is proof.
seen: list[threading.Thread] = []
# Set by a test: the calls of that many requests wait for each other, which only works on
# threads of their own.
together: threading.Barrier | None = None


def record() -> None:
    seen.append(threading.current_thread())
    if together is not None:
        together.wait()


async def work(request: HttpRequest) -> HttpResponse:
    await sync_to_async(record)()  # thread-sensitive, as the async ORM's calls are
    return HttpResponse("done")


urlpatterns = [path("work/", work)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def fresh_record():
    global together
    seen.clear()
    together = None
    yield
    together = None


async def get(app, count: int = 1) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        responses = await asyncio.gather(*(client.get("/work/") for _ in range(count)))
    assert [response.status_code for response in responses] == [200] * count


async def test_consecutive_requests_reuse_one_thread():
    app = ReusedRequestThreads(ASGIHandler())
    await get(app)
    await get(app)
    assert seen[0] is seen[1]


async def test_django_alone_starts_a_thread_per_request():
    app = ASGIHandler()
    await get(app)
    await get(app)
    assert seen[0] is not seen[1]


async def test_requests_in_flight_have_threads_of_their_own():
    global together
    together = threading.Barrier(3, timeout=5)  # broken, and a 500, if two shared a thread
    app = ReusedRequestThreads(ASGIHandler())
    await get(app, count=3)
    assert len(set(seen)) == 3


async def test_idle_threads_beyond_the_limit_are_ended():
    global together
    together = threading.Barrier(3, timeout=5)
    app = ReusedRequestThreads(ASGIHandler(), keep_idle=1)
    await get(app, count=3)
    assert len(app.idle) == 1
