"""(d) The same startproject with MIDDLEWARE = []: the cost of Django's handler alone."""

from peer_settings import *  # noqa: F403

MIDDLEWARE = []
