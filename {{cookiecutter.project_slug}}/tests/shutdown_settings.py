"""Settings for the server that tests/test_shutdown.py stops: test settings plus a slow view.

The server runs in its own process, so its database is a file the test migrates first, and the
cache and channel layer stay in memory: shutdown is about the server, not the services behind it.
"""

import os

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "tests.shutdown_urls"
ALLOWED_HOSTS = ["127.0.0.1"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["SHUTDOWN_TEST_DATABASE"],
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
{%- if cookiecutter.use_channels %}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
ROOMS_ALLOW_ANONYMOUS = True
{%- endif %}
