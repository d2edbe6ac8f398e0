"""Development settings: `.env` is read first, DEBUG is on."""

{% if cookiecutter.use_channels -%}
import os
{% endif -%}
from pathlib import Path

import environ

# Read before base.py is imported, which needs SECRET_KEY. Variables already set win over `.env`.
{%- if cookiecutter.use_channels %}
# WebSockets are allowed from the development server's pages unless either names other origins.
environ.Env.read_env(
    Path(__file__).resolve().parents[2] / ".env",
    WEBSOCKET_ALLOWED_ORIGINS=",".join(
        f"http://{host}:{os.environ.get('PORT', '8000')}"
        for host in ("localhost", "127.0.0.1", "[::1]")
    ),
)
{%- else %}
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env")
{%- endif %}

from .base import *  # noqa: E402, F403
from .base import LOGGING, MIDDLEWARE, env, mail_settings  # noqa: E402

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Mail is printed by the task worker rather than sent, unless EMAIL_URL says otherwise.
vars().update(mail_settings(env.str("EMAIL_URL", default="consolemail://")))

# Warn, naming the path, when a request blocks the event loop longer than this (0 turns it off).
LOOP_BLOCK_WARN_MS = env.int("LOOP_BLOCK_WARN_MS", default=100)
MIDDLEWARE = [
    "{{ cookiecutter.project_slug }}.middleware.loop_block.LoopBlockMiddleware",
    *MIDDLEWARE,
]
LOGGING["handlers"]["console"]["formatter"] = "human"
