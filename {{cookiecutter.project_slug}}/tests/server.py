"""The project's real ASGI server, started through `bin/serve` as a deployment would, for tests.

    env = production_env(tmp_path, database_url)   # production settings over plain HTTP
    prepare(env)                                    # migrate + collectstatic, the release steps
    with running(env, tmp_path) as server:          # waits for /health/, stops the whole group
        httpx.get(f"{server.url}/health/")

conftest.py wraps these in the `serve` fixture; tests pass extra environment to it.
`running_worker(env, tmp_path)` runs `bin/serve worker` the same way.
"""

import asyncio
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.server_behaviour import Behaviour

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Generous: the machine running the tests may be busy. A healthy start takes a few seconds.
START_TIMEOUT = 60.0
# For the tests that stop a server: well above its drain timeout and tests/shutdown_urls.py's
# slow request, so that a hung server fails the test.
EXIT_TIMEOUT = 30.0
# A clean stop takes well under a second. A worker signalled while still booting can leave its
# sibling waiting out the server's graceful timeout: past this, the cleanup kills instead.
STOP_TIMEOUT = 5.0
# What the task worker (django-tasks-db's db_worker) logs once it polls for tasks.
WORKER_STARTED = "Starting worker"
# For the tests' HTTP clients, which speak plain HTTP to 127.0.0.1: one TLS context that trusts
# nothing, shared, where httpx would load certifi's CA bundle again for each client.
PLAIN_HTTP = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Production settings, as a deployment gets them, bent only to run on localhost over HTTP."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    # The virtualenv running the tests holds the server's binaries, activated or not.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(tmp_path / "staticfiles"),
        HOST="127.0.0.1",
        # One worker: each costs a Django start-up. Tests about workers ask for more.
        WEB_CONCURRENCY="1",
        PYTHONUNBUFFERED="1",
        # Keys of their own in a shared Redis: the in-process tests (which post from 127.0.0.1
        # too, under the test settings' rate limits) do not count against the servers' limits.
        REDIS_KEY_PREFIX=f"test-server-{secrets.token_hex(4)}",
    )
    env.update(extra)
    return env


def prepare(env: Mapping[str, str]) -> None:
    """The release steps a deployment runs before it starts the server.

    `manage.py migrate --no-input` and `manage.py collectstatic --no-input`, as the README has
    them, in one process: each Django start-up is slow.
    """
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', interactive=False); "
        "call_command('collectstatic', interactive=False)"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=dict(env),
        check=True,
        capture_output=True,
    )


def logged_in_session(env: Mapping[str, str], username: str) -> str:
    """A session on the real server's database in which `username` (made if need be) is logged
    in, as a login would leave it: the session cookie's value. Made by Django itself, in the
    server's settings, since its signature needs the server's SECRET_KEY."""
    code = (
        "import sys, django; django.setup(); from django.conf import settings; "
        "from django.contrib.auth import get_user_model; from django.test import Client; "
        "user, _ = get_user_model().objects.get_or_create(username=sys.argv[1]); "
        "client = Client(); client.force_login(user); "
        "print(client.cookies[settings.SESSION_COOKIE_NAME].value)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, username],
        cwd=PROJECT_DIR,
        env=dict(env),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str]  # what it was started with

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def signal(self, signum: int = signal.SIGTERM) -> None:
        """Signal the server itself (what a deploy does); stop() still cleans up afterwards."""
        self.process.send_signal(signum)

    def stop(self) -> None:
        """SIGTERM to the whole process group, then SIGKILL to whatever is left: no orphans.

        A server that ignores SIGTERM is killed, not reported: how each server shuts down is
        tests/test_shutdown.py's subject.
        """
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(STOP_TIMEOUT)
        # Also reaches workers whose master has already exited.
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + STOP_TIMEOUT
        while group_exists(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)


async def exit_status(server: Server) -> int:
    """The server's exit status, once it has exited of its own accord."""
    return await asyncio.to_thread(server.process.wait, EXIT_TIMEOUT)


def group_members(process_group: int) -> list[int]:
    """The pids in a process group, read from /proc (Linux)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):  # the process has just exited
            # After the command name, which may hold spaces or ")": state, ppid, pgrp, ...
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == process_group:
                members.append(int(stat.parent.name))
    return members


def wait_for_members(process_group: int, count: int) -> list[int]:
    """The group's pids once it has count of them, or what it has after START_TIMEOUT."""
    deadline = time.monotonic() + START_TIMEOUT
    while len(members := group_members(process_group)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return members


def wait_for_every_worker(server: Server, behaviour: Behaviour, workers: int) -> None:
    """Return once the log says every worker serves (/health/ answers as soon as one does)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.log().count(behaviour.worker_ready) >= workers:
            return
        time.sleep(0.1)
    raise AssertionError(f"not every worker started:\n{server.log()}")


def group_exists(process_group: int) -> bool:
    try:
        os.killpg(process_group, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def running(env: Mapping[str, str], log_dir: Path, mode: str = "prod") -> Iterator[Server]:
    """`bin/serve <mode>` on a free port, yielded once /health/ answers; stopped on exit."""
    env = dict(env)
    env.setdefault("PORT", str(free_port()))
    # The server's own pages, which the tests' WebSocket clients and browsers come from.
    env.setdefault("WEBSOCKET_ALLOWED_ORIGINS", f"http://127.0.0.1:{env['PORT']}")
    log_path = log_dir / f"server-{env['PORT']}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["bin/serve", mode],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, which stop() ends as a whole
        )
    server = Server(f"http://127.0.0.1:{env['PORT']}", process, log_path, env)
    try:
        wait_until_up(server)
        yield server
    finally:
        server.stop()


@contextmanager
def running_worker(env: Mapping[str, str], log_dir: Path, *options: str) -> Iterator[Server]:
    """`bin/serve worker [options]`, yielded once it polls for tasks; stopped on exit.

    A Server without a URL: the task worker serves nothing, it reads the database.
    """
    log_path = log_dir / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["bin/serve", "worker", *options],
            cwd=PROJECT_DIR,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Server("", process, log_path, dict(env))
    try:
        wait_for_log(worker, WORKER_STARTED)
        yield worker
    finally:
        worker.stop()


def wait_for_log(server: Server, text: str) -> None:
    """Return once the process's log has this text; fail if it exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT
    while text not in server.log():
        if server.process.poll() is not None:
            raise RuntimeError(f"the process exited before logging {text!r}:\n{server.log()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {text!r} within {START_TIMEOUT:.0f} s:\n{server.log()}")
        time.sleep(0.05)


def wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(base_url=server.url, timeout=2, verify=PLAIN_HTTP) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"the server exited while starting:\n{server.log()}")
            try:
                client.get("/health/")
            except httpx.TransportError:
                time.sleep(0.05)
            else:
                return
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT:.0f} s:\n{server.log()}")
