"""Fixtures shared by the tests; those of each service this project uses are in tests/plugins/."""

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate
from hypothesis import settings as hypothesis_settings

from config.mail import mail_settings
from tests import server
from tests.mail_server import MailServer
from tests.server_behaviour import SERVER

pytest_plugins = [
    "tests.plugins.{{ cookiecutter.database }}",
{%- if cookiecutter.use_redis %}
    "tests.plugins.redis_service",
{%- endif %}
{%- if cookiecutter.use_channels %}
    "tests.plugins.channel_layers",
{%- endif %}
    "tests.plugins.browser",
]

# Property tests: a bounded number of examples (each a request or a socket, and a database row),
# no deadline (a busy machine is slow, not wrong), and no example database in the project.
hypothesis_settings.register_profile("project", max_examples=40, deadline=None, database=None)
hypothesis_settings.load_profile("project")

# How django.contrib.auth connects its handler (AuthConfig.ready).
CREATE_PERMISSIONS_UID = "django.contrib.auth.management.create_permissions"
# Two workers, as on a production machine: a server must drain every one of them.
STOPPING_SERVER_WORKERS = 2
# Seconds a stopping server gives its requests (GRACEFUL_TIMEOUT): short, for the test of what
# outlasts it; long enough for the requests it drains on a busy machine.
STOPPING_SERVER_GRACE = 4


@pytest.fixture(scope="session", autouse=True)
def flush_without_post_migrate() -> Iterator[None]:
    """Keep Django from re-creating content types and permissions after every flush.

    Each transactional test ends with a flush of the database, and Django then runs every
    app's post_migrate handlers: re-creating a permission per model and action, each time, is
    slow. No test reads them; a test that does can create what it needs.
    """
    handlers = {create_contenttypes: None, create_permissions: CREATE_PERMISSIONS_UID}
    for handler, uid in handlers.items():
        post_migrate.disconnect(handler, dispatch_uid=uid)
    yield
    for handler, uid in handlers.items():
        post_migrate.connect(handler, dispatch_uid=uid)


@pytest.fixture
def signals() -> Iterator[list[str]]:
    """The names of Django's request signals, as they are sent."""
    sent: list[str] = []

    def started(**kwargs: object) -> None:
        sent.append("started")

    def finished(**kwargs: object) -> None:
        sent.append("finished")

    request_started.connect(started)
    request_finished.connect(finished)
    yield sent
    request_started.disconnect(started)
    request_finished.disconnect(finished)


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock the rate limits read stands still: a test's hits all fall in one window, even
    when the real clock crosses a window's end between them."""
    from {{ cookiecutter.project_slug }} import rate_limits

    now = time.time()
    monkeypatch.setattr(rate_limits, "time", SimpleNamespace(time=lambda: now))


@pytest.fixture
def behind_a_proxy(settings) -> None:
    """The test client's requests come from 127.0.0.1: as from a proxy, which names the client."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


@pytest.fixture
def unreachable_smtp(settings) -> None:
    """Mail goes to an SMTP port where nothing listens, as while the mail server is down."""
    for name, value in mail_settings(f"smtp://127.0.0.1:{server.free_port()}").items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    """The SMTP server the real processes send to: no test mail leaves the machine."""
    with MailServer() as smtp:
        yield smtp


@pytest.fixture(scope="session")
def live_env(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    live_database_url: str,
    mail_server: MailServer,
) -> dict[str, str]:
    """Production settings for real servers, migrated and collected once per session."""
    tmp_path = tmp_path_factory.mktemp("live")
    env = server.production_env(tmp_path, live_database_url, EMAIL_URL=mail_server.url)
    server.prepare(env)
    return env


@pytest.fixture(scope="session")
def shared_server(
    live_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[server.Server]:
    """One real server for the tests that only talk to it: each start costs a Django start-up.

    Its data outlives a test: a test that uses it is transactional (the database is flushed
    after it) and works in rooms of its own.
    """
    with server.running(live_env, tmp_path_factory.mktemp("shared-server")) as shared:
        yield shared


@pytest.fixture
def serve(
    live_env: dict[str, str], tmp_path: Path, transactional_db: None
) -> Callable[..., AbstractContextManager[server.Server]]:
    """`with serve(**extra_env) as live:` runs `bin/serve prod` until the block ends."""

    def start(**extra_env: str) -> AbstractContextManager[server.Server]:
        return server.running({**live_env, **extra_env}, tmp_path)

    return start


@pytest.fixture
def stopping_server(
    serve: Callable[..., AbstractContextManager[server.Server]],
) -> Iterator[server.Server]:
    """A server for the tests that stop it: two workers, each up, and a slow view.

    tests/shutdown_settings.py adds the slow view (the product itself has no slow URL).
    """
    with serve(
        DJANGO_SETTINGS_MODULE="tests.shutdown_settings",
        WEB_CONCURRENCY=str(STOPPING_SERVER_WORKERS),
        GRACEFUL_TIMEOUT=str(STOPPING_SERVER_GRACE),
    ) as live:
        # The server's own process and a process per worker (some servers add a helper process
        # of their own): bin/serve passed WEB_CONCURRENCY on.
        members = server.wait_for_members(live.process.pid, STOPPING_SERVER_WORKERS + 1)
        workers = STOPPING_SERVER_WORKERS
        assert len(members) >= workers + 1, f"{workers} workers gave {len(members)} process(es)"
        server.wait_for_every_worker(live, SERVER, workers)
        yield live
