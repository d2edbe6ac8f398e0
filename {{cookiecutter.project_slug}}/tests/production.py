"""Python in the project with production settings, in a subprocess, as a deployment runs it."""

import json
import os
import secrets
import subprocess
import sys

from tests.plugins.{{ cookiecutter.database }} import production_database_env
from tests.server import PROJECT_DIR

# Variables the settings read: a developer's shell must not change what these tests see.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "WEB_CONCURRENCY",
    "WEBSOCKET_ALLOWED_ORIGINS",
    "TRUSTED_PROXIES",
    "HEALTH_CHECK_TOKEN",
    "RATE_LIMIT_API_WRITES",
    "RATE_LIMIT_LOGIN_FAILURES",
    "RATE_LIMIT_WEBSOCKET_MESSAGES",
    "WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "ADMIN_URL",
    "ROOMS_ALLOW_ANONYMOUS",
}

# What production settings need to start.
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "{{ cookiecutter.domain_name }}",
    **production_database_env(),
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
    """These settings' values, from the settings module alone, as Django loads it.

    Without django.setup(): importing every app would cost most of the subprocess's time.
    """
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps(dict((name, getattr(settings, name, None)) for name in sys.argv[1:])))"
    )
    result = run("-c", code, *names, **{**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
