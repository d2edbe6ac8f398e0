"""Production settings plus the slow view's URLconf, for the server tests/test_shutdown.py stops."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.shutdown_urls"
