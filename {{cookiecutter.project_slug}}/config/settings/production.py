"""Production settings: secure by default; the environment relaxes only what a deployment needs.

`manage.py check --deploy --fail-level WARNING` passes with these defaults (tests/test_settings.py).
"""

from django.core.exceptions import ImproperlyConfigured
from servestatic.compress import Compressor

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

# Refuse to start rather than sign sessions with an empty or guessable key.
MAKE_A_KEY = "e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`"
# .env.example's: a key that every copy of this project's source holds.
PLACEHOLDER_SECRET_KEY = "replace-me-with-a-long-random-string"
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: production settings need a long random SECRET_KEY in the "
        f"environment, {MAKE_A_KEY}."
    )
if SECRET_KEY == PLACEHOLDER_SECRET_KEY:
    raise ImproperlyConfigured(
        f"SECRET_KEY is the placeholder from .env.example: set a long random one, {MAKE_A_KEY}."
    )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        f"SECRET_KEY is too short or too plain ({len(SECRET_KEY)} characters): production "
        f"needs at least 50, of at least 5 different characters, {MAKE_A_KEY}."
    )
{%- if cookiecutter.database == "postgresql" %}
# base.py falls back to a local database for development; production must name its own.
if not env.str("DATABASE_URL", default=""):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set: production settings need the PostgreSQL URL in the environment, "
        "e.g. postgres://user:password@host:5432/name."
    )
{%- endif %}

# HTTPS only. /health/ is answered before the redirect: probes use plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Behind a TLS-terminating proxy, name the header it sets (e.g. X-Forwarded-Proto): requests
# carrying it with "https" count as secure. Unset, the header is ignored, since a client that
# reaches the server directly could send it too.
if SECURE_PROXY_SSL_HEADER_NAME := env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + SECURE_PROXY_SSL_HEADER_NAME.upper().replace("-", "_"),
        "https",
    )

# Browsers remember HSTS for this long: set SECURE_HSTS_SECONDS=3600 for a first deployment,
# raise it once HTTPS works everywhere (preload lists need a year, subdomains and preload on).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Hashed, compressed files from `collectstatic` (a release step); ServeStaticMiddleware serves
# them with far-future cache headers. Pages link the hashed names only, so the unhashed copies
# are dropped rather than compressed and deployed too.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
}
SERVESTATIC_KEEP_ONLY_HASHED_FILES = True
# Source maps (megabytes beside some packages' scripts) are fetched only by a browser's
# developer tools: compressing them would take most of each release's collectstatic time.
SERVESTATIC_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
