"""The tests' PostgreSQL: DATABASE_URL names the server; pytest-django makes the test database."""

import asyncio
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from {{ cookiecutter.project_slug }}.health.postgresql import connection_error

from tests.server import free_port


def pytest_configure(config: pytest.Config) -> None:
    if not os.getenv("DATABASE_URL"):
        raise pytest.UsageError(
            "The tests need a real PostgreSQL: set DATABASE_URL, "
            "e.g. postgres:///{{ cookiecutter.project_slug }} (the README's Tests section)."
        )
    if reason := refusal():
        raise pytest.UsageError(reason)


def refusal(**overrides: Any) -> str | None:
    """Why the tests cannot use this PostgreSQL, in one line, or None; at once, not after the
    pool's timeout.

    Django makes the test database through the server's "postgres" database, or else through
    the configured one: the tests need either.
    """
    if (error := connection_error(dbname="postgres", **overrides)) and connection_error(
        **overrides
    ):
        return f"The tests need a PostgreSQL that accepts them. {error}."
    return None


@pytest.fixture(scope="session", autouse=True)
def close_the_orm_thread_connection(django_db_setup: None) -> Iterator[None]:
    """Return the async tests' connection to the pool before the test database is dropped.

    Outside a request, the ORM's a* methods run in asgiref's one shared thread, and the test
    client never closes that thread's connection: the pool would wait for it at the end, and the
    test database could not be dropped while it is open.
    """
    yield
    asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture(scope="session")
def live_database_url(django_db_setup: None) -> str:
    """The real servers' database: the test database pytest-django made, flushed after each test."""
    test_database = settings.DATABASES["default"]["NAME"]
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{test_database}").geturl()


@pytest.fixture
def unreachable_database_url() -> str:
    """A PostgreSQL URL nothing answers, with a password that must never be shown."""
    return f"postgres://health:db-password@127.0.0.1:{free_port()}/nothing"


def production_database_env() -> dict[str, str]:
    """What production settings need to reach the database: its URL, without which they refuse."""
    return {"DATABASE_URL": os.environ["DATABASE_URL"]}
