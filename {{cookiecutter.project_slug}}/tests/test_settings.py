"""Settings: production refuses to start half-configured, and passes Django's deployment checks."""

import json
import os
{%- if cookiecutter.use_channels and not cookiecutter.use_redis %}
import re
{%- endif %}
import secrets
import subprocess
import sys

from django.conf import settings

from tests.server import PROJECT_DIR

# Variables the settings read: a developer's shell must not change what these tests see.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "WEB_CONCURRENCY",
{%- if cookiecutter.database == "sqlite" %}
    "DATABASE_URL",
{%- endif %}
}

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "{{ cookiecutter.domain_name }}",
{%- if cookiecutter.database == "postgresql" %}
    "DATABASE_URL": os.environ["DATABASE_URL"],
{%- endif %}
}


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python in the project with production settings and exactly this extra environment."""
    base = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def production_settings(*names: str, **env: str) -> dict:
    # The settings module alone, as Django loads it: without django.setup() importing every app,
    # a third of the CPU.
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps(dict((name, getattr(settings, name, None)) for name in sys.argv[1:])))"
    )
    result = run("-c", code, *names, **{**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}

    result = run("manage.py", "check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
{%- if cookiecutter.database == "postgresql" %}


def test_production_refuses_to_start_without_a_database_url():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DATABASE_URL"}

    result = run("manage.py", "check", **{**env, "DATABASE_URL": ""})

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not set" in result.stderr
{%- endif %}


def test_production_passes_the_deployment_checks():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_see_our_middleware_as_djangos():
    # Our async classes extend Django's under other names: Django's checks must still run.
    result = run("manage.py", "check", "--deploy", **{**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0"})

    assert "security.W004" in result.stderr, result.stderr
    assert "security.W001" not in result.stderr
{%- if cookiecutter.use_channels and not cookiecutter.use_redis %}


def test_production_warns_that_the_in_memory_layer_cannot_span_processes():
    result = run("manage.py", "check", "--deploy", **{**PRODUCTION_ENV, "WEB_CONCURRENCY": "2"})

    issues = re.findall(r"^\?: \((\S+)\)", result.stderr, re.MULTILINE)
    assert issues == ["core.W001"], result.stderr
{%- endif %}


def test_production_is_secure_by_default():
    values = production_settings(
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
        "SECURE_PROXY_SSL_HEADER",
    )

    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        # Trusting a proxy's header is opt-in: a client could send it too.
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_the_environment_configures_production():
    values = production_settings(
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="3600",
        ALLOWED_HOSTS="a.example,b.example",
        CSRF_TRUSTED_ORIGINS="https://a.example",
    )

    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "ALLOWED_HOSTS": ["a.example", "b.example"],
        "CSRF_TRUSTED_ORIGINS": ["https://a.example"],
    }


def test_the_database_suits_async_views():
    database = settings.DATABASES["default"]

    # Django cannot run an async view inside a transaction.
    assert database["ATOMIC_REQUESTS"] is False
{%- if cookiecutter.database == "postgresql" %}
    # The pool reuses connections; a persistent connection on top of it is refused by Django.
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["pool"]["max_size"] >= 1
    assert database["ENGINE"] == "django.db.backends.postgresql"
{%- endif %}
