"""(c) The generated project's production settings, unchanged, plus the bench URLconf.

Everything else (MIDDLEWARE, LOGGING, security headers) is what `bin/serve prod` runs with;
run.py only sets the environment a deployment on 127.0.0.1 over plain HTTP would set.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "project_urls"
