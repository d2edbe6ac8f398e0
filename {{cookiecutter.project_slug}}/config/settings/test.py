"""Test settings: a minimal placeholder so the middleware tests run (core owns this file)."""

import os

# base.py requires SECRET_KEY; tests must not depend on a developer's .env.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from .base import *  # noqa: F403

# Fast hashing: tests create users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve the apps' static files from their own directories: no collectstatic before the tests.
SERVESTATIC_USE_FINDERS = True
