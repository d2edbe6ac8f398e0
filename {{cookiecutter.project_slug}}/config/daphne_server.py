"""One Daphne that drains on SIGTERM; config/launcher.py runs WEB_CONCURRENCY of them.

    python -m config.daphne_server --fd 3 config.asgi:application

Daphne's own SIGTERM stops its reactor at once, cancelling every request in flight. Here the
signal stops the listening instead, closes open WebSockets with 1001 (going away), and stops
the reactor once every request has been answered, or GRACEFUL_TIMEOUT seconds later. Arguments
are Daphne's.
"""

import logging
import os
import signal
import sys
import time
from types import FrameType
from typing import Any

from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol as DaphneWebSocketProtocol
from twisted.internet import reactor

GOING_AWAY = 1001
# Close codes RFC 6455 lets a server send besides 1000 and 3000-4999, which are all autobahn,
# Daphne's WebSocket library, lets an application send: the project sends 1001 on shutdown and
# 1008 and 1009 from its consumer.
PROTOCOL_CLOSE_CODES = {1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014}
# Seconds between looks at the requests still in flight while draining.
DRAIN_POLL = 0.1


class WebSocketProtocol(DaphneWebSocketProtocol):
    """Daphne's, sending the RFC's close codes that autobahn refuses from an application.

    Refused, the close becomes 1011 (internal error), and the client cannot tell why.
    """

    def serverClose(self, code: int | None = None) -> None:
        if code in PROTOCOL_CLOSE_CODES:
            self.sendCloseFrame(code=code, isReply=False)
        else:
            super().serverClose(code=code)


class DrainingServer(Server):
    """Daphne's server; SIGTERM and SIGINT drain it (see the module's docstring)."""

    def run(self) -> None:
        self.ports: list[Any] = []
        self.deadline: float | None = None
        # Twisted's handlers would stop the reactor on the spot.
        self.signal_handlers = False
        self.ready_callable = self.ready
        super().run()

    def ready(self) -> None:
        """Called with the factories made, just before the reactor runs."""
        self.ws_factory.protocol = WebSocketProtocol
        # A failed WebSocket (a message over the size limit, a text frame that is not UTF-8)
        # gets a close frame with its code (1009, 1007), rather than a dropped connection.
        self.ws_factory.setProtocolOptions(failByDrop=False)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.on_signal)

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        reactor.callFromThread(self.drain)

    def listen_success(self, port: Any) -> None:
        self.ports.append(port)  # to stop listening on it
        super().listen_success(port)

    def drain(self) -> None:
        if self.deadline is not None:
            return
        self.deadline = time.monotonic() + float(os.environ.get("GRACEFUL_TIMEOUT", "30"))
        for port in self.ports:
            port.stopListening()
        self.stop_when_drained()

    def stop_when_drained(self) -> None:
        """Stop once every connection is closed and its application done, or at the deadline."""
        busy = False
        for protocol, details in self.connections.items():
            # Each time: a handshake under way when the signal came may have opened since.
            is_websocket = isinstance(protocol, DaphneWebSocketProtocol)
            if is_websocket and protocol.state == protocol.STATE_OPEN:
                protocol.serverClose(code=GOING_AWAY)
            application = details.get("application_instance")
            busy |= "disconnected" not in details or bool(application and not application.done())
        if busy and time.monotonic() < self.deadline:
            reactor.callLater(DRAIN_POLL, self.stop_when_drained)
        else:
            self.stop()  # cancels whatever is still running


class DrainingCommandLineInterface(CommandLineInterface):
    server_class = DrainingServer


def main(arguments: list[str]) -> None:
    """Run one Daphne, then exit without interpreter finalization.

    CPython 3.11 before 3.11.8 can crash (SIGSEGV) while finalizing the application coroutines
    Daphne cancels at its stop (python/cpython#113566). Once the reactor has stopped, nothing
    is left to clean up.
    """
    DrainingCommandLineInterface().run(arguments)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
