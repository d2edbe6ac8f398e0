"""Daphne's launcher: WEB_CONCURRENCY Daphne processes on one socket, as Daphne has no workers.

The socket is bound here, once, and every Daphne adopts it (`daphne --fd`), so the kernel
spreads connections over them as it does for gunicorn's workers. SIGTERM and SIGINT are passed
on to each; when one Daphne exits, the others are stopped too. The status is 0 after a
SIGTERM or SIGINT, else non-zero: a Daphne that exits unasked means the service is down.

    HOST=0.0.0.0 PORT=8000 WEB_CONCURRENCY=2 \
        python -m config.daphne_launcher config.asgi:application

Arguments go to every Daphne. HOST must be an IPv4 address (Daphne adopts the socket as IPv4).
"""

import logging
import os
import signal
import socket
import subprocess
import sys
from types import FrameType

# Connections the kernel queues before a Daphne accepts them. Twisted's default, 50, refuses
# connections in a burst that the processes would have served a moment later.
BACKLOG = 1024


def run_one(arguments: list[str]) -> None:
    """One Daphne in this process, which then exits without interpreter finalization.

    CPython 3.11 before 3.11.8 can crash (SIGSEGV) while finalizing the application coroutines
    Daphne cancels on SIGTERM (python/cpython#113566). Once Daphne's reactor has stopped,
    nothing is left to clean up.
    """
    # Imported here: the launcher process only binds and waits, and need not load Twisted.
    from daphne.cli import CommandLineInterface
{% if cookiecutter.use_channels %}
    close_frames_on_failure()
{%- endif %}
    CommandLineInterface().run(arguments)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


{%- if cookiecutter.use_channels %}


def close_frames_on_failure() -> None:
    """Close a failed WebSocket with a close frame (1009 for a message over the limit).

    Autobahn, Daphne's WebSocket library, drops the TCP connection instead by default
    (`failByDrop`), so a browser sees 1006; Daphne has no option for it, hence this wrapper of
    the factory's options, which Daphne sets once at start-up.
    """
    from daphne.ws_protocol import WebSocketFactory

    set_options = WebSocketFactory.setProtocolOptions

    def with_close_frames(self: WebSocketFactory, **options: object) -> None:
        set_options(self, failByDrop=False, **options)

    WebSocketFactory.setProtocolOptions = with_close_frames  # type: ignore[method-assign]
{%- endif %}


def main() -> int:
    address = (os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8000")))
    workers = max(1, int(os.environ.get("WEB_CONCURRENCY", "1")))
    with socket.create_server(address, backlog=BACKLOG) as listener:
        fd = listener.fileno()
        command = [sys.executable, "-m", "config.daphne_launcher", "--one", "--fd", str(fd)]
        command += sys.argv[1:]
        started = [subprocess.Popen(command, pass_fds=[fd]) for _ in range(workers)]
    children = {child.pid: child for child in started}

    stopping = False

    def stop(signum: int, frame: FrameType | None = None) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.returncode is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pid, status = os.waitpid(-1, 0)  # the first Daphne to exit, reaped here
    del children[pid]
    told_to_stop = stopping
    stop(signal.SIGTERM)
    codes = [os.waitstatus_to_exitcode(status), *(child.wait() for child in children.values())]
    if told_to_stop:
        # A Daphne still booting when the signal came dies of it, before Twisted handles it.
        stopped = {0, -signal.SIGTERM, -signal.SIGINT}
        return 0 if all(code in stopped for code in codes) else 1
    # A Daphne exited on its own: the service is down, and the platform should restart it.
    return codes[0] or 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        run_one(sys.argv[2:])
    sys.exit(main())
