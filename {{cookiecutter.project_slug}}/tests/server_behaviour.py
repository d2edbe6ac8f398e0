"""Where the ASGI servers differ, as data: the tests read SERVER, this project's, not its name."""

from collections.abc import Callable
from dataclasses import dataclass

# Hypercorn logs this once for each worker that listens.
HYPERCORN_LISTENING = "Running on http"


@dataclass(frozen=True)
class Behaviour:
    # On SIGTERM, requests in flight finish (True) or are cut off (False).
    drains_requests: bool
    # The code an open WebSocket closes with on SIGTERM: 1001 (going away) where the project's
    # closer runs ahead of the server's handler, 1006 (no close frame) where the server cuts it.
    websocket_close_on_sigterm: int
    # Whether the server's log shows every one of its workers up, for servers whose stop depends
    # on it; None for the others.
    workers_up: Callable[[str, int], bool] | None = None


BEHAVIOUR = {
    # Gunicorn's arbiter lets its uvicorn workers finish their requests, then exits 0.
    "uvicorn": Behaviour(drains_requests=True, websocket_close_on_sigterm=1001),
    # Daphne stops its Twisted reactor at once and has no option to wait.
    "daphne": Behaviour(drains_requests=False, websocket_close_on_sigterm=1006),
    # Hypercorn's supervisor terminates every worker as soon as the first idle one has exited,
    # whatever --graceful-timeout says. A worker still starting when the signal lands exits
    # last, so the busy one could finish: a server is signalled with every worker up.
    "hypercorn": Behaviour(
        drains_requests=False,
        websocket_close_on_sigterm=1006,
        workers_up=lambda log, workers: log.count(HYPERCORN_LISTENING) == workers,
    ),
    # Granian lets its workers finish their requests, then exits 0. It misses a SIGTERM that
    # lands while a worker is still starting, and waits for that worker forever: a server is
    # signalled with every worker up.
    "granian": Behaviour(
        drains_requests=True,
        websocket_close_on_sigterm=1001,
        workers_up=lambda log, workers: (
            log.count("Started worker-") == log.count("Spawning worker-")
        ),
    ),
}

SERVER = BEHAVIOUR["{{ cookiecutter.asgi_server }}"]
