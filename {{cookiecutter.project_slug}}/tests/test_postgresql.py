"""PostgreSQL: production needs its URL, and connections come from a pool."""

from django.conf import settings

from tests.production import PRODUCTION_ENV, run


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
