"""Hypercorn settings its command line cannot give: `hypercorn --config python:config.hypercorn`."""

import logging
{%- if cookiecutter.use_channels %}
import os
{%- endif %}

# Hypercorn's own lines (start, stop, errors) go through Django's LOGGING, as everything else
# does. Given a file name instead ("-", its default), Hypercorn would add a plain-text handler of
# its own and still propagate to the root logger, printing each line twice.
errorlog = logging.getLogger("hypercorn.error")
{%- if cookiecutter.use_channels %}

# A larger WebSocket message closes its socket with 1009; bin/serve exports the limit.
websocket_max_message_size = int(os.environ.get("WEBSOCKET_MAX_MESSAGE_BYTES", "65536"))
{%- endif %}
