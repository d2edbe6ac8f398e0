"""(e) The same startproject served over WSGI: the sync view at the same URL."""

from peer_settings import *  # noqa: F403

ROOT_URLCONF = "peer_wsgi_urls"
