"""Hypercorn settings its command line cannot give: `hypercorn --config python:config.hypercorn`."""

import os

# A larger WebSocket message closes its socket with 1009; bin/serve exports the limit.
websocket_max_message_size = int(os.environ.get("WEBSOCKET_MAX_MESSAGE_BYTES", "65536"))
