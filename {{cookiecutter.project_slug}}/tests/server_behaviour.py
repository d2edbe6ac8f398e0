"""Where the ASGI servers differ, as data: the tests read SERVER, this project's, not its name."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Behaviour:
    # A line each worker logs once it serves: the tests that stop a server wait for every
    # worker's, so that requests can reach each one and no worker is still starting (Granian
    # misses a SIGTERM that lands then, and waits for that worker until it is killed).
    worker_ready: str
    # The close code a client gets for a text frame that is not UTF-8: RFC 6455's 1007, or
    # 1005 ("no status") where the server sends a close frame without a code.
    invalid_utf8_close_code: int = 1007


BEHAVIOUR = {
    # uvicorn, under gunicorn.
    "uvicorn": Behaviour(worker_ready="Application startup complete"),
    # config/daphne_server.py, under config/launcher.py.
    "daphne": Behaviour(worker_ready="Listening on TCP address"),
    # One-process Hypercorns under config/launcher.py; config/hypercorn.py makes it send 1007.
    "hypercorn": Behaviour(worker_ready="Running on http"),
    # Granian reads the frame in Rust and closes without a code: nothing in Python can change it.
    "granian": Behaviour(worker_ready="Started worker-", invalid_utf8_close_code=1005),
}

SERVER = BEHAVIOUR["{{ cookiecutter.asgi_server }}"]
