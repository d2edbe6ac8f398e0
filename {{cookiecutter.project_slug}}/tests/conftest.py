{% if cookiecutter.database == "postgresql" or cookiecutter.use_redis -%}
"""Fixtures shared by the tests.

The project runs on real services, so its tests do too: the session refuses to start until the
environment names them.
"""
{%- else -%}
"""Fixtures shared by the tests."""
{%- endif %}

{% if cookiecutter.database == "postgresql" -%}
import asyncio
{% endif -%}
{% if cookiecutter.use_channels -%}
import copy
{% endif -%}
{% if cookiecutter.database == "postgresql" or cookiecutter.use_redis -%}
import os
{% endif -%}
{% if cookiecutter.use_channels and cookiecutter.use_redis -%}
import uuid
{% endif -%}
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
{%- if cookiecutter.database == "postgresql" %}
from urllib.parse import urlsplit
{%- endif %}

import pytest
{%- if cookiecutter.database == "postgresql" %}
from asgiref.sync import sync_to_async
from django.conf import settings
{%- endif %}
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
{%- if cookiecutter.database == "postgresql" %}
from django.db import connections
{%- endif %}
from django.db.models.signals import post_migrate

from tests import server

# How django.contrib.auth connects its handler (AuthConfig.ready).
CREATE_PERMISSIONS_UID = "django.contrib.auth.management.create_permissions"
{%- if cookiecutter.database == "postgresql" or cookiecutter.use_redis %}

REQUIRED_SERVICES = {
{%- if cookiecutter.database == "postgresql" %}
    "DATABASE_URL": "a PostgreSQL server, e.g. postgres://postgres@localhost:5432/postgres",
{%- endif %}
{%- if cookiecutter.use_redis %}
    "REDIS_URL": "a Redis server, e.g. redis://localhost:6379/0",
{%- endif %}
}


def pytest_configure(config: pytest.Config) -> None:
    missing = [name for name in REQUIRED_SERVICES if not os.getenv(name)]
    if missing:
        needed = " and ".join(f"{name} ({REQUIRED_SERVICES[name]})" for name in missing)
        raise pytest.UsageError(f"The tests need real services: set {needed}.")
{%- endif %}


{%- if cookiecutter.database == "postgresql" %}


@pytest.fixture(scope="session", autouse=True)
def close_the_orm_thread_connection(django_db_setup: None) -> Iterator[None]:
    """Return the async tests' connection to the pool before the test database is dropped.

    Outside a request, the ORM's a* methods run in asgiref's one shared thread, and the test
    client never closes that thread's connection: the pool would wait 5 s for it at the end,
    and the test database could not be dropped while it is open.
    """
    yield
    asyncio.run(sync_to_async(connections.close_all)())
{%- endif %}


@pytest.fixture(scope="session", autouse=True)
def flush_without_post_migrate() -> Iterator[None]:
    """Keep Django from re-creating content types and permissions after every flush.

    Each transactional test ends with a flush of the database, and Django then runs every
    app's post_migrate handlers: re-creating a permission per model and action took about half
    of the CPU of the tests that run in this process. No test reads them; a test that does can
    create what it needs.
    """
    handlers = {create_contenttypes: None, create_permissions: CREATE_PERMISSIONS_UID}
    for handler, uid in handlers.items():
        post_migrate.disconnect(handler, dispatch_uid=uid)
    yield
    for handler, uid in handlers.items():
        post_migrate.connect(handler, dispatch_uid=uid)


@pytest.fixture(scope="session")
def live_env(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> dict[str, str]:
    """Production settings for real servers, migrated and collected once per session."""
    tmp_path = tmp_path_factory.mktemp("live")
{%- if cookiecutter.database == "postgresql" %}
    # The test database pytest-django made; `serve` flushes it after each test.
    database_name = settings.DATABASES["default"]["NAME"]
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database_name}").geturl()
{%- else %}
    # The tests' own database lives in memory: the server gets a file of its own.
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
{%- endif %}
    env = server.production_env(tmp_path, database_url)
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
{%- if cookiecutter.use_channels %}
    env = {
        **live_env,
        # Far below bin/serve's default, so a test of the limit need not push large frames.
        "WEBSOCKET_MAX_MESSAGE_BYTES": "4096",
{%- if cookiecutter.use_redis %}
        "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
{%- endif %}
    }
{%- else %}
    env = live_env
{%- endif %}
    with server.running(env, tmp_path_factory.mktemp("shared-server")) as shared:
        yield shared


@pytest.fixture
def serve(
    live_env: dict[str, str], tmp_path: Path, transactional_db: None
) -> Callable[..., AbstractContextManager[server.Server]]:
    """`with serve(**extra_env) as live:` runs `bin/serve prod` until the block ends."""

    def start(**extra_env: str) -> AbstractContextManager[server.Server]:
        return server.running({**live_env, **extra_env}, tmp_path)

    return start
{%- if cookiecutter.use_channels %}


@pytest.fixture(autouse=True)
def channel_layers(settings) -> None:
    """A fresh channel layer for every test{% if cookiecutter.use_redis %}, on a Redis key prefix of its own{% endif %}."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
{%- if cookiecutter.use_redis %}
    layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex}:asgi:"
{%- endif %}
    # Channels drops its cached layers when this setting changes.
    settings.CHANNEL_LAYERS = layers
{%- endif %}
