"""Settings shared by every environment; local.py, production.py and test.py build on these.

What differs per deployment comes from the environment (the README lists every variable).
Every setting: https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
{%- if cookiecutter.use_channels and cookiecutter.use_redis %}
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
{%- endif %}

from config.mail import mail_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# GENERAL
# ------------------------------------------------------------------------------
# Empty when unset: production.py refuses to start without it, test.py sets its own.
SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["{{ cookiecutter.domain_name }}"])
ROOT_URLCONF = "config.urls"
# The one ASGI entry point: bin/serve gives it to the server.
ASGI_APPLICATION = "config.asgi.application"

# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/i18n/
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
{%- if cookiecutter.asgi_server == "daphne" %}
    # Its runserver serves over ASGI, through Daphne.
    "daphne",
{%- endif %}
    # ServeStatic's system checks, and a runserver that leaves static files to its middleware.
    "servestatic",
{%- if cookiecutter.django_version == "5.2" %}
    # Django 6's Tasks API, backported; its app registers the tasks' system checks.
    "django_tasks",
{%- endif %}
    # The task queue in the database: its models, migrations, admin and `db_worker` command.
    "django_tasks_db",
{%- if cookiecutter.use_channels %}
    "channels",
{%- endif %}
{%- if cookiecutter.api_framework == "ninja" %}
    # Its Swagger UI files, for /api/docs: served from STATIC_URL rather than a CDN.
    "ninja",
{%- elif cookiecutter.api_framework == "fastapi" %}
    # Swagger UI's files, for /api/docs: served from STATIC_URL rather than a CDN.
    "drf_spectacular_sidecar",
{%- endif %}
]
LOCAL_APPS = [
    "{{ cookiecutter.project_slug }}.users",
    "{{ cookiecutter.project_slug }}.middleware",
    "{{ cookiecutter.project_slug }}.health",
    "{{ cookiecutter.project_slug }}.rooms",
]
# Third-party apps first: of two apps with a runserver command, the first one's wins.
INSTALLED_APPS = THIRD_PARTY_APPS + DJANGO_APPS + LOCAL_APPS

# MIDDLEWARE
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/http/middleware/
# Every entry is async-native: a request crosses this stack without a single thread hop.
MIDDLEWARE = [
    "{{ cookiecutter.project_slug }}.middleware.request_id.RequestIDMiddleware",
    "{{ cookiecutter.project_slug }}.middleware.server_timing.ServerTimingMiddleware",
    # The security headers go on every response, /health/'s included. SECURE_REDIRECT_EXEMPT
    # keeps /health/ on plain HTTP.
    "{{ cookiecutter.project_slug }}.middleware.django_async_native.SecurityMiddleware",
    # Answers /static/ itself; other requests pass through with a dict lookup (no thread hop
    # unless DEBUG, where it re-scans the disk on each request to pick up new files).
    "servestatic.middleware.ServeStaticMiddleware",
{%- if cookiecutter.django_version == "5.2" %}
    "{{ cookiecutter.project_slug }}.middleware.content_security_policy.ContentSecurityPolicyMiddleware",
{%- else %}
    "{{ cookiecutter.project_slug }}.middleware.django_async_native.ContentSecurityPolicyMiddleware",
{%- endif %}
    "{{ cookiecutter.project_slug }}.middleware.django_async_native.XFrameOptionsMiddleware",
    # Ahead of the host check (CommonMiddleware): probes come by IP.
    "{{ cookiecutter.project_slug }}.health.middleware.HealthCheckMiddleware",
    "{{ cookiecutter.project_slug }}.middleware.django_async_native.SessionMiddleware",
    "{{ cookiecutter.project_slug }}.middleware.django_async_native.CommonMiddleware",
    "{{ cookiecutter.project_slug }}.middleware.django_async_native.CsrfViewMiddleware",
    "{{ cookiecutter.project_slug }}.middleware.django_async_native.AuthenticationMiddleware",
    "{{ cookiecutter.project_slug }}.middleware.django_async_native.MessageMiddleware",
]

# TEMPLATES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/templates/api/
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#databases
{%- if cookiecutter.database == "postgresql" %}
# The default matches .env.example; production.py refuses to start without DATABASE_URL.
LOCAL_DATABASE_URL = "postgres:///{{ cookiecutter.project_slug }}"
DATABASES = {"default": env.db("DATABASE_URL", default=LOCAL_DATABASE_URL)}
# psycopg 3's pool, through Django's native support: connections are reused across requests
# without CONN_MAX_AGE, which must stay 0 with a pool.
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/databases/#connection-pool
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
    "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
    "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
}
{%- else %}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
{%- endif %}
# ATOMIC_REQUESTS stays off: Django cannot wrap an async view in a transaction.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE AND SESSIONS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/cache/
{%- if cookiecutter.use_redis %}
REDIS_URL = env("REDIS_URL", default="redis://localhost:6379/0")
# A prefix per deployment (and per test run) keeps keys of projects that share a Redis apart.
REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", default="{{ cookiecutter.project_slug }}")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
    }
}
# Sessions live in Redis, with the database behind them if Redis loses a key.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
{%- else %}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
{%- endif %}
# Messages ride in a signed cookie: no session read, so no blocking I/O in the middleware.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# AUTHENTICATION AND SECURITY
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/auth/customizing/#substituting-a-custom-user-model
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/auth/passwords/#password-validation
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's own, counting failed log-ins: every log-in form is rate limited (RATE LIMITS below).
AUTHENTICATION_BACKENDS = ["{{ cookiecutter.project_slug }}.auth_backends.RateLimitedModelBackend"]
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#csrf-trusted-origins
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=["https://{{ cookiecutter.domain_name }}"])
# A refused CSRF check under /api/ answers in the API's error shape; elsewhere, Django's page.
CSRF_FAILURE_VIEW = "{{ cookiecutter.project_slug }}.api.errors.csrf_failure"
# /health/ answers probes over plain HTTP; every other path is redirected when
# SECURE_SSL_REDIRECT is on (production).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# ADMIN
# ------------------------------------------------------------------------------
# Where Django's admin lives: a path of your own keeps it away from scanners of /admin/.
ADMIN_URL = env.str("ADMIN_URL", default="admin/")

# EMAIL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/email/
# How mail is sent (config/mail.py reads the URL). Mail goes out from the task worker only.
vars().update(mail_settings(env.str("EMAIL_URL", default="smtp://localhost:25")))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@{{ cookiecutter.domain_name }}")

# TASKS
# ------------------------------------------------------------------------------
{%- if cookiecutter.django_version == "5.2" %}
# Django 6's Tasks API, backported: https://github.com/RealOrangeOne/django-tasks
{%- else %}
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/tasks/
{%- endif %}
# Enqueued tasks wait in the database until `bin/serve worker` (manage.py db_worker) runs them;
# any number of workers, on any number of machines, share the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# STATIC FILES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/howto/static-files/
STATIC_URL = "static/"
# Project-wide files (the site's stylesheet); each app keeps its own in <app>/static/.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# LOGGING
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/logging/
# One line per record, each with the id of its request. JSON on stdout for log collectors;
# local.py switches to the human-readable format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "{{ cookiecutter.project_slug }}.log_format.RequestIDFilter"},
    },
    "formatters": {
        "json": {"()": "{{ cookiecutter.project_slug }}.log_format.JSONFormatter"},
        "human": {"format": "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "json",
        },
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    # Django's own console handler would print django.* records a second time.
    "loggers": {"django": {"handlers": [], "level": "INFO"}},
}

# ROOMS
# ------------------------------------------------------------------------------
# Whether visitors who are not logged in may post (page, API and WebSocket alike; see
# rooms/permissions.py). Reading a room stays public either way.
ROOMS_ALLOW_ANONYMOUS = env.bool("ROOMS_ALLOW_ANONYMOUS", default=True)
{%- if cookiecutter.use_channels %}

# CHANNELS
# ------------------------------------------------------------------------------
# https://channels.readthedocs.io/en/stable/topics/channel_layers.html
{%- if cookiecutter.use_redis %}
# Group messages travel through Redis, so every server process (and machine) sees every room.
# The project's layer is channels_redis's, logging a Redis outage once (rooms/redis_layer.py).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "{{ cookiecutter.project_slug }}.rooms.redis_layer.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": REDIS_URL,
                    # channels_redis blocks on Redis for up to 5 s waiting for the next message,
                    # and redis-py gives up on a read after 5 s by default: an idle socket's read
                    # could time out first and kill its consumer. 15 s lets every blocking read
                    # return, and still notices a Redis that stopped answering.
                    "socket_timeout": 15,
                    "socket_connect_timeout": 5,
                    # After Redis restarts, each pooled connection fails its next command: retry
                    # that once on a fresh connection rather than refuse a WebSocket.
                    "retry": Retry(NoBackoff(), 1),
                }
            ],
            "prefix": f"{REDIS_KEY_PREFIX}:asgi:",
            # Messages waiting for one consumer before sends to it fail (a group send skips it):
            # how far a slow client may fall behind.
            "capacity": 100,
            # Seconds an undelivered message is kept, e.g. for a consumer that went away.
            "expiry": 60,
        },
    }
}
{%- else %}
# Group messages stay inside this process: enough for one server process. With more processes
# or machines, members on different ones never hear each other (a production check warns).
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Server processes bin/serve starts (its default is 1 with this layer): the check reads it.
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", default=1)
{%- endif %}
# Larger WebSocket messages close the socket with 1009; bin/serve gives the servers this limit.
WEBSOCKET_MAX_MESSAGE_BYTES = env.int("WEBSOCKET_MAX_MESSAGE_BYTES", default=65536)
# The origins (scheme, host and port) of the pages that may open WebSockets: a handshake from
# any other page is refused, with the visitor's cookies.
WEBSOCKET_ALLOWED_ORIGINS = env.list(
    "WEBSOCKET_ALLOWED_ORIGINS",
    default=["https://{{ cookiecutter.domain_name }}"],
)
{%- endif %}

# CONTENT SECURITY POLICY
# ------------------------------------------------------------------------------
{%- if cookiecutter.django_version == "5.2" %}
# Django 6.0's setting, which the project's own middleware sends on 5.2:
# https://docs.djangoproject.com/en/6.0/ref/csp/
{%- else %}
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/csp/
{%- endif %}
# The pages load scripts, styles and fonts from this site only, and run no inline script.
SECURE_CSP = {
    "default-src": ["'self'"],
    # The favicon is an empty data: URL (templates/base.html), so browsers ask for no file.
    "img-src": ["'self'", "data:"],
    # templates/500.html keeps its style inline, so that it needs no static file.
    "style-src": ["'self'", "'sha256-IfUKRcz/9CEBEcdoouJWLRtltpzoBGW3n5g1VUpjFxM='"],
{%- if cookiecutter.use_channels %}
    # The room page's WebSocket, to the site it was served from ('self' alone covers it in
    # today's browsers, not in every older one).
    "connect-src": [
        "'self'",
        *(re.sub("^http", "ws", origin) for origin in WEBSOCKET_ALLOWED_ORIGINS),
    ],
{%- else %}
    "connect-src": ["'self'"],
{%- endif %}
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# RATE LIMITS
# ------------------------------------------------------------------------------
# Counted in the cache: {% if cookiecutter.use_redis %}in Redis, shared by every server process{% else %}in each server process's memory, so each process counts alone{% endif %}.


def rate(variable: str, default: str) -> tuple[int, int]:
    """`<hits>/<seconds>` from the environment, e.g. "60/60": at most 60 hits in 60 seconds."""
    value = env.str(variable, default=default)
    if not (match := re.fullmatch(r"([1-9][0-9]*)/([1-9][0-9]*)", value.strip())):
        raise ImproperlyConfigured(
            f"{variable} is {value!r}: give <hits>/<seconds>, e.g. {default}."
        )
    return int(match[1]), int(match[2])


# Messages posted through the API, per user (or client address, for visitors): 429 past it.
RATE_LIMIT_API_WRITES = rate("RATE_LIMIT_API_WRITES", "60/60")
# Failed log-ins per username and client address: past it, the log-in is refused unchecked.
RATE_LIMIT_LOGIN_FAILURES = rate("RATE_LIMIT_LOGIN_FAILURES", "5/900")
{%- if cookiecutter.use_channels %}
# WebSocket messages per user (or socket, for visitors): an error frame past it, and the socket
# closed (1008) past twice as many.
RATE_LIMIT_WEBSOCKET_MESSAGES = rate("RATE_LIMIT_WEBSOCKET_MESSAGES", "20/10")
# Open WebSockets per client address: the handshake of one more is refused.
WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT = env.int("WEBSOCKET_MAX_CONNECTIONS_PER_CLIENT", default=50)
{%- endif %}
# A client's address is the socket's peer. Behind proxies, list their addresses or networks
# (comma-separated): a request from one of them is the client's that X-Forwarded-For names.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# HEALTH CHECK
# ------------------------------------------------------------------------------
# What /health/ checks, all at once: name -> async function that raises when it is unwell.
HEALTH_CHECKS = {
    "database": "{{ cookiecutter.project_slug }}.health.checks.check_database",
    "cache": "{{ cookiecutter.project_slug }}.health.checks.check_cache",
{%- if cookiecutter.use_redis %}
    "redis": "{{ cookiecutter.project_slug }}.health.redis_check.check_redis",
{%- endif %}
}
# Comma-separated HTTP(S) URLs that /health/ checks too, each a check of its own.
HEALTH_CHECK_UPSTREAMS = env.list("HEALTH_CHECK_UPSTREAMS", default=[])
# Seconds each check may take.
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)
# Callers that send `Authorization: Bearer <token>` see each check's result; everyone else sees
# only the status. Empty: nobody does.
HEALTH_CHECK_TOKEN = env.str("HEALTH_CHECK_TOKEN", default="")

# YOUR SETTINGS
# ------------------------------------------------------------------------------
# Your project's own settings go here, read from the environment with `env` like the ones above.
