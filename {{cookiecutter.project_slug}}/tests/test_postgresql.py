"""PostgreSQL: production needs its URL, connections are pooled, a refusal is named at once."""

import asyncio
import logging
import os
import time
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from django.db import connections

from {{ cookiecutter.project_slug }}.health.postgresql import (
    check_connection,
    connection_error,
    log_connection_error,
)

from tests.api_client import api_client, post_json
from tests.plugins.postgresql import refusal
from tests.production import PRODUCTION_ENV, run
from tests.server import free_port

MISSING_DATABASE = 'database "no_such_database": database "no_such_database" does not exist'


def url_of(database: str) -> str:
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}").geturl()


def test_production_refuses_to_start_without_a_database_url():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DATABASE_URL"}

    result = run("manage.py", "check", **{**env, "DATABASE_URL": ""})

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not set" in result.stderr


def test_connections_come_from_a_pool():
    database = settings.DATABASES["default"]

    # The pool reuses connections; a persistent connection on top of it is refused by Django.
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["pool"]["max_size"] >= 1
    assert database["ENGINE"] == "django.db.backends.postgresql"


def test_a_missing_database_is_named_in_one_line():
    error = connection_error(dbname="no_such_database")

    assert error is not None
    assert error.startswith("Could not connect to PostgreSQL at ")
    assert error.endswith(MISSING_DATABASE)


def test_a_server_that_is_not_there_is_named_in_one_line():
    port = free_port()

    error = connection_error(port=port)

    assert error is not None
    assert f":{port}, database " in error
    assert "\n" not in error


def test_the_server_logs_the_cause_once_as_it_starts(caplog):
    with caplog.at_level(logging.ERROR):
        log_connection_error()
        assert caplog.records == [], "a database that answers has nothing to report"
        log_connection_error(dbname="no_such_database")

    (record,) = caplog.records
    assert record.getMessage().endswith(MISSING_DATABASE)


def test_migrate_names_the_cause_at_once_instead_of_waiting_for_the_pool():
    started = time.monotonic()
    result = run(
        "manage.py",
        "migrate",
        "--no-input",
        **{**PRODUCTION_ENV, "DATABASE_URL": url_of("no_such_database")},
        DATABASE_POOL_TIMEOUT="30",
    )

    assert result.returncode != 0
    assert MISSING_DATABASE in result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert time.monotonic() - started < 30


def test_the_tests_name_the_cause_before_they_start():
    port = free_port()

    reason = refusal(port=port)

    assert reason is not None
    assert reason.startswith("The tests need a PostgreSQL that accepts them. Could not connect")
    assert f":{port}, " in reason
    assert refusal() is None


def test_migrate_checks_the_connection_first():
    assert check_connection(None, databases=["default"]) == []


def open_connections() -> int:
    """Connections to the test database, counted by PostgreSQL itself (this one aside)."""
    database = settings.DATABASES["default"]["NAME"]
    with psycopg.connect(url_of(database)) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()
    return count


def pool_stats() -> tuple[int, int]:
    """The pool's connections: all it holds, and those some thread has borrowed."""
    stats = connections["default"].pool.get_stats()
    return stats["pool_size"], stats["pool_size"] - stats["pool_available"]


async def settled_connections() -> tuple[int, int]:
    """PostgreSQL's count of open connections and the pool's borrowed ones, once they hold still.

    The pool opens and closes connections in a thread of its own (it grows while requests wait
    for one): there is no event to wait for, so read until two readings 50 ms apart agree (for
    at most 5 s).
    """
    previous = None
    for _ in range(100):
        current = (await asyncio.to_thread(open_connections), *pool_stats())
        if current == previous:
            break
        previous = current
        await asyncio.sleep(0.05)
    return current[0], current[2]


@pytest.mark.django_db(transaction=True)
async def test_api_requests_give_their_connections_back():
    # Twenty at a time: more than the pool holds, so a request that kept its connection would
    # leave the next ones waiting for one, then failing.
    together = 20
    pool_max = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    assert together > pool_max

    async with api_client() as api:

        async def twenty_requests(round_number: int) -> None:
            url = f"/api/rooms/round-{round_number % 2}/messages/"
            responses = await asyncio.gather(
                *(
                    post_json(api, url, {"text": "hi"}) if n % 2 else api.get(url)
                    for n in range(together)
                )
            )
            failed = [response for response in responses if response.status_code >= 300]
            assert not failed, [(response.status_code, response.text[:300]) for response in failed]

        # First the pool grows to its full size, as it does while requests wait for a
        # connection: from then on it opens no more.
        for _ in range(10):
            await twenty_requests(0)
            if pool_stats()[0] == pool_max:
                break
        before = await settled_connections()
        for round_number in range(1, 11):
            await twenty_requests(round_number)
        after = await settled_connections()

    # 200 requests later: as many connections open, as many lent out by the pool.
    assert after == before
