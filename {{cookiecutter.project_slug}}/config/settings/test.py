"""Test settings (minimal placeholder so the middleware tests run; core owns and will extend this)."""

import os

# base.py requires SECRET_KEY; tests must not depend on a developer's .env.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from .base import *  # noqa: E402, F403

# Fast hashing: tests create users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
