"""SIGTERM, as a deploy sends it, to the real server started by `bin/serve prod`.

What each server does was measured, not assumed; the README's "Graceful shutdown" section says
the same. The slow view lives in tests/shutdown_urls.py: the product itself has no slow URL.
"""

import asyncio
{%- if cookiecutter.use_channels %}
import json
{%- endif %}
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
{%- if cookiecutter.use_channels %}
import websockets
{%- endif %}

from tests.shutdown_urls import FIRST_CHUNK, LAST_CHUNK

PROJECT = Path(__file__).resolve().parent.parent
# Well above the 2 s request and each server's own drain timeout; a hung server fails the test.
EXIT_TIMEOUT = 30
START_TIMEOUT = 30
{%- if cookiecutter.asgi_server == "uvicorn" %}
# Gunicorn's arbiter drains its uvicorn workers and exits 0.
EXPECTED_EXIT = 0
{%- if cookiecutter.use_channels %}
# Uvicorn closes every WebSocket with 1012 (service restart) as its shutdown begins.
WEBSOCKET_CLOSE = 1012
{%- endif %}
{%- elif cookiecutter.asgi_server == "granian" %}
EXPECTED_EXIT = 0
{%- if cookiecutter.use_channels %}
# Granian drops WebSockets without a close frame: the client sees 1006 (abnormal closure).
WEBSOCKET_CLOSE = 1006
{%- endif %}
{%- else %}
EXPECTED_EXIT = 0
{%- if cookiecutter.asgi_server == "daphne" %}
# Daphne stops its Twisted reactor at once: requests and WebSockets are cut off (see README).
{%- else %}
# Hypercorn's supervisor terminates every worker as soon as the first idle one has exited:
# requests and WebSockets are cut off (see README).
{%- endif %}
{%- if cookiecutter.use_channels %}
WEBSOCKET_CLOSE = 1006
{%- endif %}
{%- endif %}


@dataclass
class Server:
    process: subprocess.Popen
    url: str

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.shutdown_settings",
        "SHUTDOWN_TEST_DATABASE": str(tmp_path / "db.sqlite3"),
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        # More than one worker, as in production: the master must drain all of them.
        "WEB_CONCURRENCY": "2",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        ["bin/serve", "prod"], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_up(url, process)
        yield Server(process, url)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(base_url=url, timeout=1) as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the server exited while starting"
            try:
                client.get("/health/")
            except httpx.TransportError:
                time.sleep(0.1)
            else:
                return
    raise AssertionError(f"the server did not answer within {START_TIMEOUT} s")


async def read_until(chunks, expected: bytes) -> bytes:
    received = b""
    while len(received) < len(expected):
        received += await anext(chunks)
    return received


async def read_rest(chunks) -> tuple[bytes, Exception | None]:
    """The rest of a streamed body, and the error that cut it off, if any."""
    received = b""
    try:
        async for chunk in chunks:
            received += chunk
    except httpx.RemoteProtocolError as error:
        return received, error
    return received, None


async def test_sigterm_during_a_slow_request(server: Server):
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=EXIT_TIMEOUT) as client,
        client.stream("GET", "/test/slow/") as response,
    ):
        chunks = response.aiter_raw()
        # The first chunk has arrived: the request is in flight when the signal lands.
        assert await read_until(chunks, FIRST_CHUNK) == FIRST_CHUNK
        server.terminate()
{%- if cookiecutter.asgi_server in ("uvicorn", "granian") %}
        assert await read_rest(chunks) == (LAST_CHUNK, None), "the request did not finish"
{%- else %}
        received, error = await read_rest(chunks)
        assert isinstance(error, httpx.RemoteProtocolError)
        assert LAST_CHUNK not in received
{%- endif %}

    assert await asyncio.to_thread(server.process.wait, EXIT_TIMEOUT) == EXPECTED_EXIT
{%- if cookiecutter.use_channels %}


async def test_sigterm_closes_open_websockets(server: Server):
    ws_url = server.url.replace("http://", "ws://") + "/ws/rooms/lobby/"
    async with websockets.connect(ws_url, origin=server.url, open_timeout=EXIT_TIMEOUT) as ws:
        history = json.loads(await ws.recv())
        assert history["type"] == "history", "the socket was not open before the signal"
        server.terminate()
        await asyncio.wait_for(ws.wait_closed(), EXIT_TIMEOUT)

    assert ws.close_code == WEBSOCKET_CLOSE
    assert await asyncio.to_thread(server.process.wait, EXIT_TIMEOUT) == EXPECTED_EXIT
{%- endif %}
