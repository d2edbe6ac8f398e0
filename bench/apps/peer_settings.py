"""(b) `django-admin startproject peer` as generated (default MIDDLEWARE), with the bench URLconf.

Only what a deployment must change: DEBUG off and the host allowed.
"""

from peer.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "peer_urls"
