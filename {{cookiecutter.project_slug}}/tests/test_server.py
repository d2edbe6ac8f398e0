"""The real server, as `bin/serve prod` starts it: HTTP end to end, lifespan, clean stops."""

import asyncio
import re
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager

import httpx
import pytest

from {{ cookiecutter.project_slug }}.asgi.lifespan import Lifespan
from {{ cookiecutter.project_slug }}.health import checks as health_checks

from config.asgi import application
from tests.server import PLAIN_HTTP, Server, group_exists, wait_for_members

Serve = Callable[..., AbstractContextManager[Server]]


@pytest.mark.django_db(transaction=True)  # the shared server's data is flushed after the test
def test_health_pages_and_a_message_round_trip(shared_server: Server):
    url = shared_server.url
    with httpx.Client(base_url=url, timeout=10, verify=PLAIN_HTTP) as client:
        health_response = client.get("/health/")
        home = client.get("/")
        room = client.get("/rooms/real-server/")
        # CSRF_COOKIE_SECURE keeps httpx from sending the cookie over plain HTTP: send it by hand.
        cookie = room.cookies["csrftoken"]
        token = re.search(r'<meta name="csrf-token" content="([^"]+)">', room.text)[1]
        posted = client.post(
            "/api/rooms/real-server/messages/",
            json={"text": "over the wire"},
            headers={"X-CSRFToken": token, "Cookie": f"csrftoken={cookie}"},
        )
        listed = client.get("/api/rooms/real-server/messages/")
        script = re.search(r'src="(/static/rooms/room\.[0-9a-f]+\.js)"', room.text)[1]
        static = client.get(script)

    assert health_response.status_code == 200, health_response.text
    assert health_response.json()["status"] == "ok"
    assert home.status_code == 200
    assert room.status_code == 200
    assert posted.status_code == 201, posted.text
    assert listed.json()["results"][0] == posted.json()
    # collectstatic's hashed name, served for a year by ServeStatic.
    assert static.status_code == 200
    assert "immutable" in static.headers["Cache-Control"]
    log = shared_server.log()
    assert "lifespan" not in log.lower(), log
    # Each request in the server's access log, whatever its format.
    assert re.search(r'"GET /health/[^"]*" 200\b', log), log


def test_a_database_that_is_down_gives_503_without_leaking_it(
    serve: Serve, unreachable_database_url: str
):
    down = unreachable_database_url

    token = secrets.token_urlsafe(32)
    # The database fails within its pool's timeout; the other checks, on a process that has
    # just started on a busy machine, get the tests' usual time.
    env = {"HEALTH_CHECK_TIMEOUT": "5", "DATABASE_POOL_TIMEOUT": "1", "HEALTH_CHECK_TOKEN": token}
    with serve(DATABASE_URL=down, **env) as live:
        public = httpx.get(f"{live.url}/health/", timeout=10, verify=PLAIN_HTTP)
        detailed = httpx.get(
            f"{live.url}/health/",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
            verify=PLAIN_HTTP,
        )

    assert (public.status_code, public.json()) == (503, {"status": "error"})
    assert detailed.status_code == 503
    assert detailed.json()["checks"]["database"]["status"] == "error"
    assert detailed.json()["checks"]["cache"]["status"] == "ok"
    assert "db-password" not in detailed.text


def test_a_failing_test_leaves_no_server_process_behind(serve: Serve):
    started: list[tuple[int, list[int]]] = []

    def failing_test() -> None:
        with serve() as live:
            group = live.process.pid
            started.append((group, wait_for_members(group, 2)))
            raise RuntimeError("the test failed")

    with pytest.raises(RuntimeError, match="the test failed"):
        failing_test()

    group, members = started[0]
    # The server's own process and its worker, each a process (some servers add a helper process
    # of their own). tests/test_shutdown.py's servers run two workers.
    assert len(members) >= 2, f"the server ran {len(members)} process(es)"
    assert not group_exists(group)


async def test_the_application_answers_the_lifespan_protocol():
    events = asyncio.Queue()
    for message in ({"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}):
        events.put_nowait(message)
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    client = health_checks.http_client()  # opened, as by a /health/ request with upstreams
    await application({"type": "lifespan", "asgi": {"version": "3.0"}}, events.get, send)

    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
    assert client.is_closed


async def test_startup_hooks_run_before_the_startup_is_complete():
    events = asyncio.Queue()
    for message in ({"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}):
        events.put_nowait(message)
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    await Lifespan(on_startup=[lambda: sent.append({"hook": "ran"})])({}, events.get, send)

    assert sent[:2] == [{"hook": "ran"}, {"type": "lifespan.startup.complete"}]


async def test_a_connection_type_without_an_application_is_refused():
    with pytest.raises(ValueError, match="No application configured for scope type 'unknown'"):
        await application({"type": "unknown"}, None, None)
