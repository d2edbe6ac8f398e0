"""`/health/`: every dependency checked at once; a failure is named, never explained in detail."""

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import LazySettings, settings
from django.test import AsyncClient

from {{ cookiecutter.project_slug }}.health import checks as health_checks

from tests.server import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def fresh_http_client() -> AsyncIterator[None]:
    # The shared client belongs to one event loop, and each test has its own.
    yield
    await health_checks.close_http_client()


class Upstream(BaseHTTPRequestHandler):
    """`/ok` answers 200, `/broken` 503; `/together` waits until two requests are in flight."""

    arrived = threading.Barrier(2, timeout=5)

    def do_GET(self) -> None:
        if self.path.startswith("/together"):
            self.arrived.wait()  # raises BrokenBarrierError if the checks ran one after another
        self.send_response(503 if self.path.startswith("/broken") else 200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    # shutdown() waits for the loop's next poll: the default 0.5 s would be most of each test.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    Upstream.arrived.reset()


async def get_health(client: AsyncClient, token: str | None = None) -> tuple[int, dict]:
    """The status and the report, as whoever holds the token (the settings' by default) sees it."""
    token = settings.HEALTH_CHECK_TOKEN if token is None else token
    response = await client.get("/health/", headers={"Authorization": f"Bearer {token}"})
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


async def test_all_ok(async_client: AsyncClient, settings: LazySettings):
    status, body = await get_health(async_client)

    assert status == 200
    assert body["status"] == "ok"
    # Every configured check, each with its dependency's name (tests/test_redis.py: and Redis).
    assert set(body["checks"]) == set(settings.HEALTH_CHECKS)
    assert {"database", "cache"} <= set(body["checks"])
    assert all(check["status"] == "ok" for check in body["checks"].values())


async def test_a_cache_that_is_down_is_named(async_client: AsyncClient, settings, tmp_path: Path):
    # A file where the cache wants its directory: every write fails.
    (tmp_path / "not-a-directory").touch()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "not-a-directory" / "cache"),
        }
    }

    status, body = await get_health(async_client)

    assert status == 503
    assert body["status"] == "error"
    assert body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"
    assert str(tmp_path) not in str(body)


async def test_upstreams_are_checked_and_named_without_secrets(
    async_client: AsyncClient, settings, upstream: str
):
    closed = f"http://user:upstream-password@127.0.0.1:{free_port()}/status?token=upstream-token"
    settings.HEALTH_CHECK_UPSTREAMS = [
        f"{upstream}/ok?token=upstream-token",
        f"{upstream}/broken",
        closed,
    ]

    status, body = await get_health(async_client)

    assert status == 503
    checks = body["checks"]
    assert checks[f"upstream:{upstream}/ok"]["status"] == "ok"
    assert checks[f"upstream:{upstream}/broken"] == {"status": "error", "error": "HTTP 503"}
    closed_name = closed.replace("user:upstream-password@", "").split("?")[0]
    assert checks[f"upstream:{closed_name}"] == {"status": "error", "error": "ConnectError"}
    assert "upstream-password" not in str(body)
    assert "upstream-token" not in str(body)


async def test_healthy_upstreams_keep_it_ok(async_client: AsyncClient, settings, upstream: str):
    settings.HEALTH_CHECK_UPSTREAMS = [f"{upstream}/ok"]

    status, body = await get_health(async_client)

    assert status == 200
    assert body["checks"][f"upstream:{upstream}/ok"]["status"] == "ok"


async def test_checks_run_concurrently(async_client: AsyncClient, settings, upstream: str):
    # Each upstream answers only once the other one has been asked.
    settings.HEALTH_CHECK_UPSTREAMS = [f"{upstream}/together/1", f"{upstream}/together/2"]

    status, body = await get_health(async_client)

    assert status == 200, body


async def test_an_upstream_that_never_answers_times_out(async_client: AsyncClient, settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections queue up, and nothing ever answers them
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        settings.HEALTH_CHECK_UPSTREAMS = [url]
        settings.HEALTH_CHECK_TIMEOUT = 0.5

        status, body = await get_health(async_client)

    assert status == 503
    assert body["checks"][f"upstream:{url}"] == {"status": "error", "error": "TimeoutError"}


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", "Basic test-only-health-check-token", "Bearer"],
    ids=["none", "wrong-token", "other-scheme", "empty"],
)
async def test_anyone_else_sees_only_the_status(async_client: AsyncClient, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = await async_client.get("/health/", headers=headers)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_a_failure_shows_only_as_an_error_to_anyone_else(async_client, settings, tmp_path):
    settings.HEALTH_CHECK_UPSTREAMS = [f"http://127.0.0.1:{free_port()}/secret-ping-path"]

    response = await async_client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "error"}


async def test_without_a_token_configured_nobody_sees_the_details(async_client, settings):
    settings.HEALTH_CHECK_TOKEN = ""

    status, body = await get_health(async_client, token="")

    assert (status, body) == (200, {"status": "ok"})


class Counted:
    """A check that counts its runs, and waits until released."""

    runs = 0
    started: asyncio.Event
    release: asyncio.Event


async def counted_check() -> None:
    Counted.runs += 1
    Counted.started.set()
    await Counted.release.wait()


async def test_concurrent_probes_share_one_run_and_its_result_for_a_second(
    async_client: AsyncClient, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(health_checks, "checks", lambda: {"counted": counted_check})
    Counted.runs, Counted.started, Counted.release = 0, asyncio.Event(), asyncio.Event()

    probes = [asyncio.create_task(async_client.get("/health/")) for _ in range(5)]
    await asyncio.wait_for(Counted.started.wait(), 5)
    Counted.release.set()
    responses = await asyncio.gather(*probes)
    soon_after = await async_client.get("/health/")
    monkeypatch.setattr(health_checks.SharedReport, "MAX_AGE", 0)
    once_stale = await async_client.get("/health/")

    assert [response.status_code for response in responses] == [200] * 5
    assert soon_after.status_code == 200
    assert once_stale.status_code == 200
    assert Counted.runs == 2, "the five probes and the one right after shared the first run"


async def test_the_security_headers_are_on_it_too(async_client: AsyncClient, settings):
    # As in production, and probed by IP over plain HTTP.
    settings.ALLOWED_HOSTS = ["{{ cookiecutter.domain_name }}"]
    settings.SECURE_SSL_REDIRECT = True

    response = await async_client.get("/health/", headers={"host": "10.0.0.7:8000"})

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


async def test_only_get_is_allowed(async_client: AsyncClient):
    response = await async_client.post("/health/")

    assert response.status_code == 405


async def test_a_probe_by_ip_over_http_is_answered(async_client: AsyncClient, settings):
    # As in production: one allowed host, HTTPS enforced; a container probe uses neither.
    settings.ALLOWED_HOSTS = ["{{ cookiecutter.domain_name }}"]
    settings.SECURE_SSL_REDIRECT = True
    probe = {"host": "10.0.0.7:8000"}

    assert (await async_client.get("/health/", headers=probe)).status_code == 200
    assert (await async_client.get("/", headers=probe)).status_code == 400
