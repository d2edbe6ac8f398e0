"""Settings for pytest: fast, and hermetic (no `.env`) but for the services the project uses."""

from .base import *  # noqa: F403
from .base import mail_settings

# Fixed, so the tests never depend on a developer's `.env` or environment.
SECRET_KEY = "test-only-secret-key-it-signs-nothing-outside-the-test-suite"
DEBUG = False
ALLOWED_HOSTS = ["{{ cookiecutter.domain_name }}", "localhost", "127.0.0.1", "testserver"]
CSRF_TRUSTED_ORIGINS = ["https://{{ cookiecutter.domain_name }}"]

# Fast hashing: tests create users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Mail lands in django.core.mail.outbox.
vars().update(mail_settings("memorymail://"))
# Tasks run as they are enqueued, inside the request: in-process tests see their effects without
# a worker. The worker's own test runs `bin/serve worker` with production settings.
TASKS = {"default": {"BACKEND": "{{ 'django.tasks' if cookiecutter.django_version == '6.1' else 'django_tasks' }}.backends.immediate.ImmediateBackend"}}

# ServeStatic serves nothing in-process: it would scan every app's static files (Django admin's
# alone are many) each time a test client builds the middleware stack, that is in most tests.
# The tests that fetch static files turn on the source they need; the real servers serve
# collectstatic's.
SERVESTATIC_USE_STATIC_ROOT = False

# Tests that check upstreams set their own.
HEALTH_CHECK_UPSTREAMS: list[str] = []
# Generous: on a busy machine a healthy local upstream can take over a second to answer.
HEALTH_CHECK_TIMEOUT = 5.0
HEALTH_CHECK_TOKEN = "test-only-health-check-token"

# Every in-process test posts and logs in from 127.0.0.1, and with Redis the counts outlive a
# run: the tests of the rate limits set their own, and use addresses of their own.
RATE_LIMIT_API_WRITES = (10_000, 60)
RATE_LIMIT_LOGIN_FAILURES = (10_000, 900)
