"""bench/api.py: the generated project's production settings, plus the plain view's URLconf."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "api_urls"
