"""Why PostgreSQL refuses a connection, in one line, without waiting out the pool's timeout.

Django's connection pool retries a failing connection in the background and, after
DATABASE_POOL_TIMEOUT seconds, reports only that it got none: the cause is in its WARNING lines,
above a long traceback. One plain connection finds it at once. `migrate` asks through the system
check below, the server as it starts (config/asgi.py), and the tests before they run.
"""

import logging
from typing import Any

import psycopg
from django.apps import AppConfig
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)


def connection_error(alias: str = DEFAULT_DB_ALIAS, **overrides: Any) -> str | None:
    """Why a plain connection with this database's settings fails, in one line; None if it works.

    `overrides` replace connection parameters, e.g. `dbname="postgres"` for the server's own.
    """
    connection = connections[alias]
    params = {**connection.get_connection_params(), **overrides}
    pool = connection.settings_dict["OPTIONS"].get("pool") or {}
    # libpq counts whole seconds, and waits at least 2.
    timeout = max(2, round(pool.get("timeout", 10)))
    try:
        psycopg.connect(**params, connect_timeout=timeout).close()
    except psycopg.Error as error:
        where = f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"
        database = params.get("dbname", "")
        return f'Could not connect to PostgreSQL at {where}, database "{database}": {cause(error)}'
    return None


def cause(error: psycopg.Error) -> str:
    """libpq's reason without its preamble, e.g. 'password authentication failed for user "app"'."""
    lines = str(error).strip().splitlines() or [type(error).__name__]
    # "connection failed: connection to server at "host", port 5432 failed: FATAL:  <reason>"
    return lines[0].rpartition(" failed: ")[2].removeprefix("FATAL:").strip()


@checks.register(checks.Tags.database)
def check_connection(
    app_configs: list[AppConfig] | None, databases: list[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Run by `migrate` (and `check --database default`) before it connects through the pool."""
    errors: list[checks.CheckMessage] = []
    for alias in databases or []:
        if connections[alias].vendor == "postgresql" and (error := connection_error(alias)):
            errors.append(checks.Error(error, id="health.E001"))
    return errors


def log_connection_error(**overrides: Any) -> None:
    """Log the cause as the server starts; it starts all the same, and /health/ reports 503."""
    if error := connection_error(**overrides):
        logger.error(error)
