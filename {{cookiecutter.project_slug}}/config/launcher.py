"""WEB_CONCURRENCY copies of a one-process server on one socket, each drained on SIGTERM.

{% if cookiecutter.asgi_server == "daphne" -%}
Daphne has no workers of its own (config/daphne_server.py is one Daphne that drains):

    HOST=0.0.0.0 PORT=8000 WEB_CONCURRENCY=2 GRACEFUL_TIMEOUT=30 python -m config.launcher \
        python -m config.daphne_server --fd '{fd}' config.asgi:application
{%- else -%}
Hypercorn's own supervisor stops every worker as soon as one has exited, cutting the others'
requests, and keeps the socket open meanwhile, so that new connections hang:

    HOST=0.0.0.0 PORT=8000 WEB_CONCURRENCY=2 GRACEFUL_TIMEOUT=30 python -m config.launcher \
        hypercorn --bind 'fd://{fd}' --workers 0 config.asgi:application
{%- endif %}

The socket is bound here, once, and `{fd}` in the command becomes its file descriptor: each
server adopts it, and the kernel spreads connections over them as it does for gunicorn's
workers. SIGTERM and SIGINT go to every server, which stops accepting, finishes its requests
and exits; GRACEFUL_TIMEOUT seconds after the signal, any still running is killed. When one
exits unasked, the others are stopped too. The status is 0 when every server obeyed a SIGTERM
or SIGINT in time, else non-zero: a server that exits unasked means the service is down.
{%- if cookiecutter.asgi_server == "daphne" %}

HOST must be an IPv4 address: Daphne adopts the socket as IPv4.
{%- endif %}
"""

import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

# Connections the kernel queues until a server accepts one: a burst beyond it is refused.
BACKLOG = 1024
# How a server that obeyed the signal exits: a server still starting dies of it.
OBEYED = {0, -signal.SIGTERM, -signal.SIGINT}


class Stop(Exception):
    """SIGTERM or SIGINT, raised out of the wait for the servers."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def interrupt(signum: int, frame: FrameType | None) -> None:
    raise Stop(signum)


def stop_all(servers: list[subprocess.Popen[bytes]], signum: int, grace: float) -> list[int]:
    """Signal every server still running, give them `grace` seconds, then kill the rest."""
    for server in servers:
        if server.returncode is None:
            server.send_signal(signum)
    deadline = time.monotonic() + grace
    for server in servers:
        try:
            server.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return [server.returncode for server in servers]


def main() -> int:
    address = (os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8000")))
    workers = max(1, int(os.environ.get("WEB_CONCURRENCY", "1")))
    grace = float(os.environ.get("GRACEFUL_TIMEOUT", "30"))
    servers: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    try:
        # Our copy of the socket is closed once the servers have theirs: when every server has
        # stopped listening, new connections are refused rather than left waiting.
        with socket.create_server(address, backlog=BACKLOG) as listener:
            fd = listener.fileno()
            command = [argument.replace("{fd}", str(fd)) for argument in sys.argv[1:]]
            for _ in range(workers):
                servers.append(subprocess.Popen(command, pass_fds=[fd]))
        pid, status = os.wait()  # until a server exits
    except Stop as stop:
        ignore_signals()  # the servers are stopping already
        codes = stop_all(servers, stop.signum, grace)
        return 0 if set(codes) <= OBEYED else 1
    # A server exited on its own: the service is down, and the platform should restart it.
    ignore_signals()
    exited = next(server for server in servers if server.pid == pid)
    exited.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    stop_all(servers, signal.SIGTERM, grace)
    return exited.returncode or 1


def ignore_signals() -> None:
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(main())
