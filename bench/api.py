#!/usr/bin/env python3
"""The messages API under each api_framework, against a plain async view returning the same JSON.

    python3 bench/api.py            # 3 rounds of 5 s per candidate, ~3 minutes on 2 cores
    python3 bench/api.py --quick    # 2 rounds of 3 s

One bake per api_framework (the template's other defaults), each served by its own
`bin/serve prod` (uvicorn under gunicorn, one worker, production settings over plain HTTP) with
a room of 60 messages. Each candidate is `GET` of one page (50 messages): the API's
`/api/rooms/bench/messages/`, and on every bake the plain view of bench/apps/api_plain.py at
`/bench/rooms/bench/messages/` (the same two queries and JSON, no API framework). `wrk` rounds
alternate the candidates; CPU per request is the serving worker's user + system time
(/proc/<pid>/stat) over the requests wrk completed. Ratios are to the plain view on the `django`
bake: Django alone. See bench/README.md; results of a run are in bench/RESULTS-api.md.

Needs uv and wrk on PATH, Python 3.11+ as python3; works under bench/work/api/ (git-ignored).
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work" / "api"
APPS = BENCH / "apps"
SLUG = "my_async_project"  # cookiecutter.json's default project name
CHOICES = ["ninja", "fastapi", "django"]
BAKE_OPTIONS = {"use_docker": "no", "ci_tool": "none"}
ROOM, MESSAGES = "bench", 60
API_PATH = f"/api/rooms/{ROOM}/messages/"
PLAIN_PATH = f"/bench/rooms/{ROOM}/messages/"
# As bench/run.py's HTTP rows.
CONNECTIONS = 50
TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[bench api {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*args: object, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], check=True, **kwargs)  # type: ignore[call-overload]


# --- projects ----------------------------------------------------------------------------------


def bake(choice: str) -> Path:
    output = WORK / "bakes" / choice
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    options = {**BAKE_OPTIONS, "api_framework": choice}
    run(
        "uvx",
        "cookiecutter",
        "--no-input",
        "-o",
        output,
        REPO,
        *(f"{key}={value}" for key, value in options.items()),
        stdout=subprocess.DEVNULL,
    )
    return output / SLUG


def install(choice: str, project: Path) -> Path:
    """A virtualenv with the project's dependencies (bin/serve runs the project from its
    directory, as the Dockerfile does)."""
    venv = WORK / "venvs" / choice
    if not (venv / "bin" / "python").exists():
        python = (project / ".python-version").read_text().strip()
        run("uv", "venv", "-q", "-p", python, venv)
    run(
        "uv",
        "pip",
        "install",
        "-q",
        "-p",
        venv / "bin" / "python",
        "-r",
        project / "pyproject.toml",
    )
    return venv


def environment(choice: str, venv: Path, project: Path) -> dict[str, str]:
    """Production settings as tests/server.py sets them for 127.0.0.1 over plain HTTP, plus the
    plain view's URLconf (bench/apps/api_settings.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VIRTUAL_ENV"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=f"{APPS}{os.pathsep}{project}",
        DJANGO_SETTINGS_MODULE="api_settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{WORK / 'db' / choice}.sqlite3",
        STATIC_ROOT=str(WORK / "static" / choice),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        HOME=str(WORK / "home"),
    )
    return env


def release_and_seed(project: Path, env: dict[str, str]) -> None:
    """migrate and collectstatic, as a release does; then the room and its messages."""
    (WORK / "db").mkdir(parents=True, exist_ok=True)
    Path(env["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    seed = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); "
        "call_command('collectstatic', interactive=False, verbosity=0); "
        "from django.contrib.auth import get_user_model; "
        f"from {SLUG}.rooms.models import Message, Room; "
        "author = get_user_model().objects.create_user('bench'); "
        f"room = Room.objects.create(slug={ROOM!r}); "
        "Message.objects.bulk_create("
        f"Message(room=room, author=author, text=f'message {{n}}') for n in range({MESSAGES}))"
    )
    python = Path(env["PATH"].split(os.pathsep)[0]) / "python"
    run(python, "-c", seed, cwd=project, env=env, capture_output=True)


# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of a process (all its threads), in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def group_pids(group: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == group:
                found.append(int(stat.parent.name))
    return found


@dataclass
class Server:
    choice: str
    port: int
    process: subprocess.Popen
    log_path: Path
    worker: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def start(choice: str, project: Path, env: dict[str, str]) -> Server:
    port = free_port()
    log_path = WORK / "logs" / f"{choice}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            ["bin/serve", "prod"],
            cwd=project,
            env={**env, "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(choice, port, process, log_path)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(server.url(API_PATH), timeout=2) as response:
                json.load(response)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                sys.exit(f"bench: {choice} did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
    return server


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Candidate:
    server: Server
    path: str
    label: str
    rounds: list[tuple[float, float]] = field(default_factory=list)  # (req/s, CPU ms/request)

    def median(self, index: int) -> float:
        return statistics.median(round_[index] for round_ in self.rounds)

    def best(self) -> float:
        """The lowest CPU per request of any round."""
        return min(cpu for _, cpu in self.rounds)


def wrk(url: str, seconds: float, connections: int) -> tuple[int, float, int]:
    """Requests completed, requests/s, and non-2xx answers plus socket errors."""
    out = run(
        "wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", url,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    requests = int(re.search(r"(\d+) requests in", out)[1])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failures = (int(bad[1]) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return requests, rps, failures


def measure(candidate: Candidate, seconds: float, connections: int) -> None:
    before = cpu_ticks(candidate.server.worker)
    requests, rps, failures = wrk(candidate.server.url(candidate.path), seconds, connections)
    cpu_ms = (cpu_ticks(candidate.server.worker) - before) / TICKS * 1000 / requests
    if failures:
        sys.exit(f"bench: {candidate.label}: {failures} failed requests of {requests}")
    candidate.rounds.append((rps, cpu_ms))
    log(f"  {candidate.label:<28} {rps:8.0f} req/s  {cpu_ms * 1000:6.0f} µs CPU/request")


def versions(venv: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json\n"
        "found = {}\n"
        "for n in ['django', 'django-ninja', 'fastapi', 'starlette', 'pydantic', 'uvicorn', "
        "'gunicorn']:\n"
        "    try: found[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(found))"
    )
    out = run(venv / "bin" / "python", "-c", code, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds of 3 s")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    args = parser.parse_args()
    rounds = args.rounds or (2 if args.quick else 3)
    seconds = args.seconds or (3 if args.quick else 5)
    for tool in ("uv", "uvx", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is not on PATH")

    servers: list[Server] = []
    try:
        found_versions: dict[str, str] = {}
        for choice in CHOICES:
            log(f"{choice}: bake, install, release, seed")
            project = bake(choice)
            venv = install(choice, project)
            env = environment(choice, venv, project)
            release_and_seed(project, env)
            servers.append(start(choice, project, env))
            found_versions.update(versions(venv))
        candidates = []
        for server in servers:
            # The serving process: the one worker, which burns the CPU (gunicorn's arbiter idles).
            server.worker = max(group_pids(server.process.pid), key=cpu_ticks)
            candidates.append(Candidate(server, API_PATH, f"{server.choice}: API"))
            candidates.append(Candidate(server, PLAIN_PATH, f"{server.choice}: plain view"))
        log("warming up")
        for candidate in candidates:
            wrk(candidate.server.url(candidate.path), 1, args.connections)
        for number in range(rounds):
            log(f"round {number + 1} of {rounds}")
            shift = number % len(candidates)
            for candidate in candidates[shift:] + candidates[:shift]:
                measure(candidate, seconds, args.connections)
    finally:
        for server in servers:
            server.stop()

    baseline = next(c for c in candidates if c.label == "django: plain view")
    print()
    print(f"{rounds} rounds of {seconds:g} s, wrk -c{args.connections}; one uvicorn worker each")
    print(", ".join(f"{name} {version}" for name, version in found_versions.items()))
    print()
    # The least disturbed round is the best estimate of a candidate's own cost on a shared
    # machine; the median says how much the rounds moved.
    print("| candidate | req/s (median) | CPU µs/request: best | median | ratio: best | median |")
    print("|---|---|---|---|---|---|")
    for candidate in candidates:
        best, median = candidate.best(), candidate.median(1)
        print(
            f"| {candidate.label} | {candidate.median(0):,.0f} | {best * 1000:,.0f} "
            f"| {median * 1000:,.0f} | {best / baseline.best():.2f} "
            f"| {median / baseline.median(1):.2f} |"
        )
    results = {c.label: c.rounds for c in candidates}
    (WORK / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
