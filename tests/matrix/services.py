"""A real Redis and a real PostgreSQL for one test session, on free ports, under a tmp dir.

PostgreSQL refuses to run as root, so its cluster belongs to the `postgres` user (runuser).
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


class Redis:
    # Every generated-project run gets its own database number: allow plenty.
    DATABASES = 1024

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--databases", str(self.DATABASES), "--dir", str(workdir)],
            stdout=(workdir / "redis.log").open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for_port(self.port, "redis-server")
        self.url = f"redis://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Postgres:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.data = workdir / "data"
        socket_dir = workdir / "socket"
        for directory in (workdir, socket_dir):
            directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(workdir, "postgres", "postgres")
        shutil.chown(socket_dir, "postgres", "postgres")
        self._as_postgres("initdb", "-D", str(self.data), "-U", "postgres", "--auth", "trust",
                          "--no-sync", "--encoding", "UTF8")  # fmt: skip
        # Durability buys nothing for throwaway test databases.
        options = (
            f"-p {self.port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(workdir / "postgres.log"),
                          "-o", options, "-w", "start")  # fmt: skip
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def _as_postgres(self, program: str, *args: str) -> None:
        command = [str(PG_BIN / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def create_database(server_url: str, name: str) -> None:
    """An empty database for one run: Django's migration checks connect to it (and would wait
    out the connection pool's timeout if it were missing)."""
    psql = str(PG_BIN / "psql") if (PG_BIN / "psql").exists() else "psql"
    result = subprocess.run(
        [psql, f"{server_url}/postgres", "-qc", f'CREATE DATABASE "{name}"'],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0 and "already exists" not in result.stderr:
        raise RuntimeError(f"cannot create database {name}: {result.stderr}")
