"""Hypercorn settings its command line cannot give: `hypercorn --config python:config.hypercorn`."""

import logging
import os
{%- if cookiecutter.use_channels %}
from collections.abc import Iterator

from hypercorn.protocol import ws_stream
from wsproto.connection import Connection, ConnectionState
from wsproto.events import CloseConnection, Event
{%- endif %}

# Hypercorn's own lines (start, stop, errors) go through Django's LOGGING, as everything else
# does. Given a file name instead ("-", its default), Hypercorn would add a plain-text handler of
# its own and still propagate to the root logger, printing each line twice.
errorlog = logging.getLogger("hypercorn.error")
# Seconds a stopping worker gives its requests (bin/serve's launcher enforces it too: from
# Python 3.12, Hypercorn waits for every open connection before this starts to count).
graceful_timeout = float(os.environ.get("GRACEFUL_TIMEOUT", "30"))
{%- if cookiecutter.use_channels %}

# A larger WebSocket message closes its socket with 1009; bin/serve exports the limit.
websocket_max_message_size = int(os.environ.get("WEBSOCKET_MAX_MESSAGE_BYTES", "65536"))


class WebSocketConnection(Connection):
    """wsproto's connection, as Hypercorn uses it, answering a bad frame with a close frame.

    wsproto reports a frame it cannot accept (a text frame that is not UTF-8: 1007) as a close
    event while the connection is still open. Hypercorn answers only a peer's close, so it
    drops the connection without a close frame, and the client sees 1006. Marked as the peer's
    close, it is answered with a close frame that carries wsproto's code.
    """

    def events(self) -> Iterator[Event]:
        for event in super().events():
            if isinstance(event, CloseConnection) and self.state is ConnectionState.OPEN:
                self._state = ConnectionState.REMOTE_CLOSING
            yield event


ws_stream.Connection = WebSocketConnection  # type: ignore[misc]
{%- endif %}
