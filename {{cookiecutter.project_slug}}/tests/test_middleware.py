"""The project's own middleware and logging: request id, Server-Timing, event-loop block warning."""

import asyncio
import io
import json
import logging
import os
import re
import subprocess
import sys
import time

import pytest
from django.conf import LazySettings
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient
from django.urls import path

from {{ cookiecutter.project_slug }}.log_format import JSONFormatter, RequestIDFilter
from {{ cookiecutter.project_slug }}.middleware.loop_block import TimedSteps

from tests.middleware_stacks import LOOP_BLOCK

LOOP_BLOCK_LOGGER = "{{ cookiecutter.project_slug }}.middleware.loop_block"
GENERATED_ID = re.compile(r"[0-9a-f]{32}")
# The /awaits/ view's whole time, in short steps.
AWAIT_SECONDS = 1.0

logger = logging.getLogger(__name__)


async def logs(request: HttpRequest) -> HttpResponse:
    logger.info("inside the view")
    return HttpResponse("logged")


async def blocks(request: HttpRequest) -> HttpResponse:
    time.sleep(0.4)  # noqa: ASYNC251  (the mistake the warning exists to catch)
    return HttpResponse("blocked")


async def awaits(request: HttpRequest) -> HttpResponse:
    await asyncio.sleep(AWAIT_SECONDS)
    return HttpResponse("awaited")


async def timed(request: HttpRequest) -> HttpResponse:
    return HttpResponse("timed", headers={"Server-Timing": "db;dur=1.5"})


urlpatterns = [
    path("logs/", logs),
    path("blocks/", blocks),
    path("awaits/", awaits),
    path("timed/", timed),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def ids(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog, with the project's filter on its handler, as on the handlers in LOGGING."""
    caplog.set_level(logging.INFO)
    request_id_filter = RequestIDFilter()
    caplog.handler.addFilter(request_id_filter)
    yield caplog
    caplog.handler.removeFilter(request_id_filter)


@pytest.mark.parametrize("incoming", ["abc", "a.B_c-9", "x" * 128, "0f" * 16])
async def test_a_well_formed_request_id_is_kept_and_echoed(
    async_client: AsyncClient, incoming: str
) -> None:
    response = await async_client.get("/logs/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", ["", "x" * 129, "a b", "id;drop", "<script>", "ümlaut", "a/b"])
async def test_a_malformed_request_id_is_replaced(async_client: AsyncClient, incoming: str) -> None:
    response = await async_client.get("/logs/", headers={"X-Request-ID": incoming})
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


async def test_each_request_without_an_id_gets_a_new_one(async_client: AsyncClient) -> None:
    first = (await async_client.get("/logs/"))["X-Request-ID"]
    second = (await async_client.get("/logs/"))["X-Request-ID"]
    assert GENERATED_ID.fullmatch(first)
    assert GENERATED_ID.fullmatch(second)
    assert first != second


async def test_log_records_of_a_request_carry_its_id(
    async_client: AsyncClient, ids: pytest.LogCaptureFixture
) -> None:
    response = await async_client.get("/logs/", headers={"X-Request-ID": "req-1"})
    logger.info("after the request")
    view_record, after_record = (r for r in ids.records if r.name == __name__)
    assert response["X-Request-ID"] == "req-1"
    assert view_record.request_id == "req-1"
    assert after_record.request_id == "-"


async def test_django_logs_a_404_with_the_request_id(
    async_client: AsyncClient, ids: pytest.LogCaptureFixture
) -> None:
    # Django logs 4xx responses after the middleware chain returned: the id comes from the request.
    response = await async_client.get("/missing/", headers={"X-Request-ID": "req-404"})
    (record,) = (r for r in ids.records if r.name == "django.request")
    assert response.status_code == 404
    assert record.request_id == "req-404"


async def test_the_configured_handler_writes_one_json_object_per_line(
    async_client: AsyncClient,
) -> None:
    # The root handler that Django configured from settings.LOGGING, written to a buffer.
    (handler,) = (h for h in logging.getLogger().handlers if isinstance(h.formatter, JSONFormatter))
    buffer = io.StringIO()
    stream = handler.setStream(buffer)
    try:
        await async_client.get("/logs/", headers={"X-Request-ID": "req-json"})
    finally:
        handler.setStream(stream)
    entries = [json.loads(line) for line in buffer.getvalue().splitlines()]
    entry = next(e for e in entries if e["message"] == "inside the view")
    assert entry == {
        "time": entry["time"],
        "level": "INFO",
        "logger": __name__,
        "message": "inside the view",
        "request_id": "req-json",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])


def test_the_json_formatter_includes_the_exception() -> None:
    record = logging.makeLogRecord({"levelname": "ERROR", "msg": "failed %s", "args": ("job",)})
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    RequestIDFilter().filter(record)
    entry = json.loads(JSONFormatter().format(record))
    assert entry["message"] == "failed job"
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == "-"
    assert entry["exc_info"].startswith("Traceback")
    assert "ValueError: boom" in entry["exc_info"]


def test_the_human_format_shows_the_request_id(settings: LazySettings) -> None:
    formatter = logging.Formatter(settings.LOGGING["formatters"]["human"]["format"])
    record = logging.makeLogRecord({"name": "x", "levelname": "INFO", "msg": "hi"})
    RequestIDFilter().filter(record)
    assert formatter.format(record).endswith("x [-] hi")


async def test_server_timing_reports_the_time_spent(async_client: AsyncClient) -> None:
    response = await async_client.get("/awaits/")
    match = re.fullmatch(r"app;dur=(\d+\.\d)", response["Server-Timing"])
    assert match
    assert float(match[1]) >= AWAIT_SECONDS * 1000


async def test_server_timing_keeps_the_metrics_of_the_view(async_client: AsyncClient) -> None:
    response = await async_client.get("/timed/")
    assert re.fullmatch(r"db;dur=1\.5, app;dur=\d+\.\d", response["Server-Timing"])


def watch(settings: LazySettings, threshold_ms: int) -> None:
    """Put the loop watcher in front of the stack, as local settings do."""
    settings.MIDDLEWARE = [LOOP_BLOCK, *settings.MIDDLEWARE]
    settings.LOOP_BLOCK_WARN_MS = threshold_ms


async def test_a_view_that_blocks_the_loop_is_named(
    settings: LazySettings, async_client: AsyncClient, ids: pytest.LogCaptureFixture
) -> None:
    watch(settings, 200)
    response = await async_client.get("/blocks/", headers={"X-Request-ID": "slow-1"})
    (record,) = (r for r in ids.records if r.name == LOOP_BLOCK_LOGGER)
    assert response.content == b"blocked"
    assert record.levelno == logging.WARNING
    assert "GET /blocks/ blocked the event loop" in record.getMessage()
    assert record.request_id == "slow-1"


async def test_a_view_that_awaits_longer_than_the_threshold_is_not(
    settings: LazySettings, async_client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    # Below the view's 1 s, and far above a step's time even on a busy machine, where the
    # request's first step (the whole middleware stack) can take a few hundred milliseconds.
    watch(settings, 800)
    response = await async_client.get("/awaits/")
    assert response.content == b"awaited"
    assert not [r for r in caplog.records if r.name == LOOP_BLOCK_LOGGER]


async def test_a_zero_threshold_turns_the_watcher_off(
    settings: LazySettings, caplog: pytest.LogCaptureFixture
) -> None:
    watch(settings, 0)
    response = await AsyncClient().get("/blocks/")
    assert response.content == b"blocked"
    assert not [r for r in caplog.records if r.name == LOOP_BLOCK_LOGGER]


def test_local_settings_watch_the_loop_and_log_for_humans(settings: LazySettings) -> None:
    # In a subprocess: local settings read .env into os.environ, which other tests must not see.
    code = (
        "from config.settings import local; "
        "print(local.MIDDLEWARE[0], local.LOOP_BLOCK_WARN_MS, "
        "local.LOGGING['handlers']['console']['formatter'])"
    )
    env = {**os.environ, "SECRET_KEY": "local-test", "LOOP_BLOCK_WARN_MS": "250"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [LOOP_BLOCK, "250", "human"]


async def test_timed_steps_pass_results_and_errors_through() -> None:
    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    async def fail() -> None:
        await asyncio.sleep(0)
        raise ValueError("from the view")

    steps = TimedSteps(answer(), threshold=1.0)
    assert await steps == 42
    assert steps.slow_steps == 0
    with pytest.raises(ValueError, match="from the view"):
        await TimedSteps(fail(), threshold=1.0)


async def test_timed_steps_pass_cancellation_to_the_inner_coroutine() -> None:
    cleaned_up = asyncio.Event()

    async def long_view() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            cleaned_up.set()

    async def watched_view() -> None:
        await TimedSteps(long_view(), threshold=1.0)

    task = asyncio.create_task(watched_view())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned_up.is_set()
