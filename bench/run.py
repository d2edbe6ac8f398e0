#!/usr/bin/env python3
"""Benchmarks of the generated project against its ceiling and its peers (issues 6 and 20).

    python3 bench/run.py            # full: ~10 minutes, writes bench/RESULTS.md
    python3 bench/run.py --quick    # a couple of minutes, writes bench/work/RESULTS.quick.md

Needs uv, wrk, redis-server and Python 3.10+ on PATH. Everything else (venvs, bakes, databases,
logs) goes under bench/work/, which git ignores. See bench/README.md for what each row means.
"""

import argparse
import contextlib
import json
import os
import platform
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
APPS = BENCH / "apps"
TOOLS = WORK / "venvs" / "tools"
TOOL_PACKAGES = ["websockets>=15", "py-spy>=0.4", "cookiecutter>=2.6"]

SERVERS = ["uvicorn", "daphne", "hypercorn", "granian"]
SLUG = "my_async_project"  # cookiecutter.json's default project name
# The default bake, minus what a benchmark does not run (Docker files, CI).
BAKE_OPTIONS = {
    "django_version": "5.2",
    "database": "sqlite",
    "use_channels": "true",
    "use_redis": "false",
    "use_docker": "false",
    "ci_tool": "none",
}
HELLO, SLEEP = "/bench/hello/", "/bench/sleep/"


@dataclass
class Mode:
    name: str
    rounds: int  # alternating rounds per measurement; medians over them
    wrk_seconds: float
    warm_seconds: float
    connections: int = 50
    burst: int = 100
    ws_seconds: float = 3.0
    fanout_clients: int = 50
    fanout_messages: int = 1000
    fanout_rounds: int = 1
    bakes: int = 3
    profile_seconds: float = 0.0  # py-spy of (b), (c), (d) under uvicorn; 0: none


QUICK = Mode("quick", rounds=2, wrk_seconds=3, warm_seconds=1, ws_seconds=2, fanout_messages=300)
FULL = Mode(
    "full", rounds=3, wrk_seconds=5, warm_seconds=2, ws_seconds=4, bakes=5, profile_seconds=5
)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*args: object, **kwargs: object) -> subprocess.CompletedProcess:
    check = kwargs.pop("check", True)
    return subprocess.run([str(a) for a in args], check=check, **kwargs)  # type: ignore[call-overload]


# --- tools venv: websockets for the WebSocket client, py-spy, cookiecutter -----------------------


def ensure_tools_venv() -> None:
    """Create bench/work/venvs/tools with uv and re-run this script inside it."""
    python = TOOLS / "bin" / "python"
    if Path(sys.prefix).resolve() == TOOLS.resolve():
        return
    for tool in ("uv", "wrk", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is not on PATH (see bench/README.md)")
    if not python.exists():
        log(f"creating {TOOLS.relative_to(REPO)}")
        run("uv", "venv", "-q", "-p", sys.executable, TOOLS)
    run("uv", "pip", "install", "-q", "-p", python, *TOOL_PACKAGES)
    os.execv(python, [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


# --- baking and installing ---------------------------------------------------------------------


def cookiecutter_config() -> Path:
    config = WORK / "cookiecutterrc.yaml"
    config.write_text(
        f"cookiecutters_dir: {WORK / 'cookiecutters'}\nreplay_dir: {WORK / 'replay'}\n"
    )
    return config


def bake(output: Path, **options: str) -> Path:
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    context = {**BAKE_OPTIONS, **options}
    run(
        TOOLS / "bin" / "cookiecutter",
        "--no-input",
        "--config-file",
        cookiecutter_config(),
        "-o",
        output,
        REPO,
        *(f"{key}={value}" for key, value in context.items()),
        stdout=subprocess.DEVNULL,
    )
    project = output / SLUG
    if not (project / "bin" / "serve").exists():
        sys.exit(f"bench: the bake in {output} has no bin/serve")
    return project


def time_bakes(count: int) -> list[float]:
    """Wall time of `cookiecutter --no-input` for the default options, a fresh process each."""
    times = []
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        for i in range(count):
            start = time.perf_counter()
            run(
                TOOLS / "bin" / "cookiecutter",
                "--no-input",
                "--config-file",
                cookiecutter_config(),
                "-o",
                Path(tmp) / str(i),
                REPO,
                stdout=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - start)
    return times


def venv_with(name: str, *requirements: str | Path) -> Path:
    """bench/work/venvs/<name>, with `requirements` (pip's arguments) installed."""
    venv = WORK / "venvs" / name
    if not (venv / "bin" / "python").exists():
        run("uv", "venv", "-q", "-p", sys.base_prefix + "/bin/python3", venv)
    run("uv", "pip", "install", "-q", "-p", venv / "bin" / "python", *requirements)
    return venv


def venv_for(name: str, project: Path) -> Path:
    """bench/work/venvs/<name> with the project's dependencies (not the project: bin/serve runs
    it from its directory, as the Dockerfile does)."""
    return venv_with(name, "-r", project / "pyproject.toml")


def versions(venv: Path) -> dict[str, str]:
    code = (
        "import json, importlib.metadata as m\n"
        "names = ['django', 'channels', 'channels-redis', 'redis', 'gunicorn', 'uvicorn',"
        " 'uvicorn-worker', 'daphne', 'hypercorn', 'granian', 'servestatic', 'asgiref']\n"
        "found = {}\n"
        "for n in names:\n"
        "    try: found[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(found))"
    )
    out = run(venv / "bin" / "python", "-c", code, capture_output=True, text=True).stdout
    return json.loads(out)


def wsgi_venv(django: str) -> Path:
    """(e)'s venv: the bakes' Django and gunicorn, its sync worker serving the WSGI path."""
    return venv_with("wsgi", f"django=={django}", "gunicorn>=27")


def wsgi_script(peer: Path) -> Path:
    """(e): gunicorn's own default worker (sync: one request at a time, no keep-alive), one
    process, its access log on, as (c)'s gunicorn has."""
    script = WORK / "serve" / "wsgi"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(
        "#!/bin/sh\nset -eu\n"
        f"cd {shlex.quote(str(peer))}\n"
        'exec gunicorn peer.wsgi:application --bind "$HOST:$PORT" --workers "$WEB_CONCURRENCY" \\\n'
        "    --worker-class sync --no-control-socket --access-logfile -\n"
    )
    script.chmod(0o755)
    return script


def startproject(venv: Path) -> Path:
    """(b)/(d): `django-admin startproject peer`, untouched; bench/apps/peer_*.py adapt it."""
    target = WORK / "peer"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    run(venv / "bin" / "django-admin", "startproject", "peer", target)
    return target


# --- servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_script_for(project: Path, app: str, cwd: Path, name: str) -> Path:
    """The baked bin/serve with only the application and the directory swapped: every candidate
    runs under exactly the production command line (server, flags, access log) of (c)."""
    text = (project / "bin" / "serve").read_text()
    cd_line = 'cd "$(dirname "$0")/.."'
    for needle in (cd_line, "config.asgi:application"):
        if needle not in text:
            sys.exit(f"bench: {project}/bin/serve no longer contains {needle!r}; update run.py")
    text = text.replace(cd_line, f"cd {shlex.quote(str(cwd))}")
    text = text.replace("config.asgi:application", app)
    script = WORK / "serve" / name
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(text)
    script.chmod(0o755)
    return script


def project_env(venv: Path, project: Path, name: str, **extra: str) -> dict[str, str]:
    """Production settings as a deployment on 127.0.0.1 over plain HTTP sets them (tests/server.py
    does the same), with bench/apps/project_settings.py adding the bench URLconf."""
    env = base_env(venv, project)
    env.update(
        DJANGO_SETTINGS_MODULE="project_settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{WORK / 'db' / name}.sqlite3",
        STATIC_ROOT=str(WORK / "static" / name),
    )
    env.update(extra)
    return env


def base_env(venv: Path, project: Path) -> dict[str, str]:
    """The bench apps and the project's directory on the path: bin/serve's command line may name
    a project module (config.gunicorn_worker.UvicornWorker, python:config.hypercorn) for every
    candidate."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VIRTUAL_ENV"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=f"{APPS}{os.pathsep}{project}",
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        HOME=str(WORK / "home"),  # anything a server writes under $HOME stays in bench/work
    )
    return env


def release(project: Path, env: dict[str, str]) -> None:
    """migrate + collectstatic: the release steps before `bin/serve prod`."""
    (WORK / "db").mkdir(parents=True, exist_ok=True)
    python = Path(env["PATH"].split(os.pathsep)[0]) / "python"
    for args in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        run(python, "manage.py", *args, "-v", "0", cwd=project, env=env, capture_output=True)


@dataclass
class Server:
    label: str
    port: int
    process: subprocess.Popen
    log_path: Path
    pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def worker_pid(self) -> int:
        """The process that does the serving: the one in the group that burnt the most CPU."""
        from loadgen import cpu_ticks

        return max(self.pids, key=cpu_ticks)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


RUNNING: list[Server] = []


def start(label: str, command: list[str], cwd: Path, env: dict[str, str], ready: str) -> Server:
    from loadgen import group_pids, http_get_status

    port = free_port()
    # The page's origin, which the WebSocket clients send, as tests/server.py allows it.
    env = {"WEBSOCKET_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}", **env, "PORT": str(port)}
    log_path = WORK / "logs" / f"{label.replace(' ', '-').replace('/', '-')}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(label, port, process, log_path)
    RUNNING.append(server)
    deadline = time.monotonic() + 60
    while http_get_status(port, ready) != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            sys.exit(f"bench: {label} did not start:\n{server.log_tail()}")
        time.sleep(0.2)
    time.sleep(0.3)  # let multi-process servers finish spawning
    server.pids = group_pids(process.pid)
    return server


def stop_all() -> None:
    while RUNNING:
        RUNNING.pop().stop()


# --- 1 and 2: HTTP throughput and concurrency -----------------------------------------------------


def rotate(items: list, shift: int) -> list:
    shift %= len(items)
    return items[shift:] + items[:shift]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def http_server(
    server_name: str, project: Path, venv: Path, peer: Path, wsgi: Path, mode: Mode
) -> dict:
    from loadgen import burst, cpu_seconds, wrk

    env = base_env(venv, project)
    env_c = project_env(venv, project, server_name)
    release(project, env_c)
    scripts = {
        "a": (serve_script_for(project, "bare_app:app", APPS, f"{server_name}-a"), APPS, env),
        "b": (
            serve_script_for(project, "peer.asgi:application", peer, f"{server_name}-b"),
            peer,
            {**env, "DJANGO_SETTINGS_MODULE": "peer_settings"},
        ),
        "c": (project / "bin" / "serve", project, env_c),
        "d": (
            serve_script_for(project, "peer.asgi:application", peer, f"{server_name}-d"),
            peer,
            {**env, "DJANGO_SETTINGS_MODULE": "peer_settings_empty"},
        ),
        "e": (
            wsgi_script(peer),
            peer,
            {
                **base_env(wsgi, project),
                "PYTHONPATH": f"{APPS}{os.pathsep}{peer}",
                "DJANGO_SETTINGS_MODULE": "peer_settings_wsgi",
            },
        ),
    }
    servers = {
        key: start(f"{server_name} {key}", ["sh", str(script), "prod"], cwd, cand_env, HELLO)
        for key, (script, cwd, cand_env) in scripts.items()
    }
    # (e), a sync worker, takes one request at a time: 100 requests of 100 ms take 10 s.
    bursting = [key for key in servers if key != "e"]
    result: dict = {"wrk": {k: [] for k in servers}, "burst": {k: [] for k in bursting}}
    try:
        for key, server in servers.items():  # warm-up: imports, caches, first connections
            wrk(server.url + HELLO, mode.warm_seconds, mode.connections)
            if key in bursting:
                burst(server.port, SLEEP, mode.burst, server.pids)
        # The serving process, not a supervisor (gunicorn's arbiter, the launcher of Daphne's
        # and Hypercorn's, Granian's main process): after the warm-up, the one that worked.
        workers = {key: server.worker_pid() for key, server in servers.items()}
        order = list(servers)
        for r in range(mode.rounds):
            for key in rotate(order, r):
                cpu_before = cpu_seconds(workers[key])
                res = wrk(servers[key].url + HELLO, mode.wrk_seconds, mode.connections)
                cpu = cpu_seconds(workers[key]) - cpu_before
                result["wrk"][key].append(
                    {**asdict(res), "cpu_us": 1e6 * cpu / max(res.requests, 1)}
                )
                log(
                    f"{server_name} {key}: {res.rps:,.0f} req/s p50 {res.p50_ms:.1f} ms "
                    f"p99 {res.p99_ms:.1f} ms, {1e6 * cpu / max(res.requests, 1):,.0f} µs CPU "
                    "per request"
                )
        for r in range(mode.rounds):
            for key in rotate(bursting, r):
                b = burst(servers[key].port, SLEEP, mode.burst, servers[key].pids)
                result["burst"][key].append(asdict(b))
                log(
                    f"{server_name} {key}: {mode.burst} x 100 ms in {b.wall:.2f} s, {b.threads} "
                    f"threads, {b.failed} failed, {b.listen_overflows} listen overflows"
                )
        if mode.profile_seconds and server_name == "uvicorn":
            profiles = {key: profile(servers[key], mode) for key in ("b", "c", "d")}
            if all(profiles.values()):
                result["profiles"] = profiles
    finally:
        for server in servers.values():
            RUNNING.remove(server)
            server.stop()
    return result


def profile(server: Server, mode: Mode) -> dict:
    """py-spy on the serving process while wrk loads it: where the CPU goes, top frames."""
    pid = server.worker_pid()
    raw = WORK / "profiles" / f"{server.label.replace(' ', '-')}.txt"
    raw.parent.mkdir(parents=True, exist_ok=True)
    load = subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{mode.connections}",
            f"-d{mode.profile_seconds + 2}s",
            server.url + HELLO,
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(1)
    raw.unlink(missing_ok=True)
    spy = run(
        TOOLS / "bin" / "py-spy",
        "record",
        "--pid",
        pid,
        "--duration",
        int(mode.profile_seconds),
        "--rate",
        250,
        "--nonblocking",
        "--format",
        "raw",
        "--output",
        raw,
        capture_output=True,
        text=True,
        check=False,
    )
    load.wait()
    if spy.returncode or not raw.exists():
        log(f"py-spy failed on {server.label} (needs ptrace): {spy.stderr.strip()[-200:]}")
        return None
    return summarize_profile(raw)


# Where the event loop's samples go. A pattern matches a frame "function (file:line)"; a sample
# counts for a category when any frame of its stack matches.
PROFILE_CATEGORIES = {
    "Thread.start: a new thread; the loop waits until it runs": "Thread.start (threading",
    "ThreadSensitiveContext.__aexit__: joins the request's thread": (
        "ThreadSensitiveContext.__aexit__"
    ),
    "sync_to_async hops (submit + wait)": "SyncToAsync.__call__",
    "Django's MiddlewareMixin hooks": "MiddlewareMixin.__acall__",
    "the project's middleware (middleware/, health/middleware.py, servestatic)": (
        f"{SLUG}/middleware/",
        f"{SLUG}/health/middleware.py",
        "servestatic/middleware.py",
    ),
    "the view": "bench_views.py",
    "logging (access log)": "logging/__init__.py",
}


def summarize_profile(raw: Path, top: int = 25) -> dict:
    """The event-loop thread's samples only (its stacks run through asyncio's Runner.run): idle
    pool threads waiting on their queue show up as busy to py-spy and would drown the picture."""
    inclusive: dict[str, int] = {}
    categories = dict.fromkeys(PROFILE_CATEGORIES, 0)
    loop = total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        frames = stack.split(";")
        if not any(frame.startswith("Runner.run (") for frame in frames):
            continue
        loop += n
        for name, patterns in PROFILE_CATEGORIES.items():
            patterns = (patterns,) if isinstance(patterns, str) else patterns
            if any(p in frame for frame in frames for p in patterns):
                categories[name] += n
        for key in {frame.split(" (")[0] for frame in frames}:
            inclusive[key] = inclusive.get(key, 0) + n
    # Drop the loop's own ancestors (gunicorn's arbiter, asyncio.run: ~100% each).
    rows = [(k, v) for k, v in sorted(inclusive.items(), key=lambda kv: -kv[1]) if v < 0.97 * loop]
    return {
        "samples": total,
        "loop_samples": loop,
        "path": str(raw.relative_to(REPO)),
        "categories": categories,
        "top": rows[:top],
    }


# --- 3: WebSockets ---------------------------------------------------------------------------


def ws_measurements(
    project: Path, venv: Path, redis_project: Path, redis_venv: Path, mode: Mode
) -> dict:
    from wsbench import fanout, roundtrips

    results: dict = {}
    # The fan-out's sender posts its messages as fast as it can: far over a person's limit.
    unlimited = {"RATE_LIMIT_WEBSOCKET_MESSAGES": "1000000/1"}

    def fanouts(bases: list[str]) -> list[dict]:
        runs = []
        for _ in range(mode.fanout_rounds):
            f = fanout(bases, mode.fanout_clients, mode.fanout_messages)
            runs.append(
                {
                    **asdict(f),
                    "expected": f.expected,
                    "msgs_per_s": f.messages_per_second,
                    "deliveries_per_s": f.deliveries_per_second,
                }
            )
            log(
                f"fan-out over {len(bases)} server(s): {f.delivered}/{f.expected} delivered in "
                f"{f.seconds:.2f} s, {f.messages_per_second:,.0f} msgs/s, {f.errors} errors; "
                f"sent {f.sent}, broadcast {f.processed}, fewest per member {f.fewest}: {f.ended}"
            )
        return runs

    # "memory-tmpfs": the same with the SQLite file in /dev/shm, a diagnostic: each message is an
    # INSERT, and on this machine's disk the commit's fsync bounds the sender's rate.
    shm = Path("/dev/shm") / f"bench-{os.getpid()}.sqlite3"
    variants = {"memory": {}, "memory-tmpfs": {"DATABASE_URL": f"sqlite:///{shm}"}}
    try:
        for name, extra in variants.items():
            if extra and not shm.parent.is_dir():
                continue
            env = project_env(venv, project, "ws-memory", **unlimited, **extra)
            release(project, env)
            server = start(f"ws {name}", ["bin/serve", "prod"], project, env, HELLO)
            try:
                base = f"ws://127.0.0.1:{server.port}"
                results[name] = {
                    "roundtrips": roundtrips(base, mode.ws_seconds),
                    "fanout": fanouts([base]),
                }
                log(f"ws {name} round trips/s: {results[name]['roundtrips']}")
            finally:
                RUNNING.remove(server)
                server.stop()
    finally:
        shm.unlink(missing_ok=True)

    redis_port = free_port()
    redis_dir = WORK / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(redis_dir),
        ],
        stdout=(WORK / "logs" / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        env = project_env(
            redis_venv,
            redis_project,
            "ws-redis",
            **unlimited,
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            REDIS_KEY_PREFIX=f"bench{secrets.token_hex(4)}",
        )
        time.sleep(0.5)
        release(redis_project, env)
        one = start("ws redis A", ["bin/serve", "prod"], redis_project, env, HELLO)
        base_a = f"ws://127.0.0.1:{one.port}"
        results["redis"] = {
            "roundtrips": roundtrips(base_a, mode.ws_seconds),
            "fanout": fanouts([base_a]),
        }
        log(f"ws redis round trips/s: {results['redis']['roundtrips']}")
        two = start("ws redis B", ["bin/serve", "prod"], redis_project, env, HELLO)
        base_b = f"ws://127.0.0.1:{two.port}"
        results["redis2"] = {"fanout": fanouts([base_a, base_b])}
    finally:
        stop_all()
        redis.terminate()
        redis.wait(10)
    return results


# --- 4: the template itself ------------------------------------------------------------------


MATRIX_SUMMARY = REPO / ".cache" / "matrix" / "summary.txt"  # written by the template's suite


def matrix_summary() -> tuple[str, str] | None:
    """(path, text) of the last matrix run's summary table on this checkout, if there is one."""
    if MATRIX_SUMMARY.is_file() and MATRIX_SUMMARY.stat().st_size:
        return str(MATRIX_SUMMARY.relative_to(REPO)), MATRIX_SUMMARY.read_text(errors="replace")
    return None


# --- RESULTS.md ---------------------------------------------------------------------------------


def write_results(path: Path, data: dict) -> None:
    from report import render

    path.write_text(render(data))
    log(f"wrote {path.relative_to(REPO)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="shorter runs, fewer rounds (~2-3 min)"
    )
    parser.add_argument(
        "--servers", default=",".join(SERVERS), help="comma-separated asgi_server values"
    )
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-ws", action="store_true")
    parser.add_argument("--profile", action="store_true", help="py-spy profiles in quick mode too")
    parser.add_argument(
        "--output", help="default: bench/RESULTS.md (full), bench/work/RESULTS.quick.md (quick)"
    )
    args = parser.parse_args()
    ensure_tools_venv()
    sys.path.insert(0, str(BENCH))
    mode = QUICK if args.quick else FULL
    if args.profile and not mode.profile_seconds:
        mode.profile_seconds = 4
    servers = [s for s in args.servers.split(",") if s]
    unknown = set(servers) - set(SERVERS)
    if unknown:
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    output = (
        Path(args.output)
        if args.output
        else (BENCH / "RESULTS.md" if mode is FULL else WORK / "RESULTS.quick.md")
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    data: dict = {
        "mode": mode.name,
        "mode_params": asdict(mode),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "commit": git_commit(),
        "wrk": run("wrk", "--version", capture_output=True, text=True, check=False)
        .stdout.split(" [")[0]
        .strip(),
        "redis": run("redis-server", "--version", capture_output=True, text=True).stdout.strip(),
        "versions": {},
        "http": {},
    }
    try:
        log(f"mode {mode.name}: baking {', '.join(servers)} (+ a Redis bake)")
        bakes = {s: bake(WORK / "bakes" / s, asgi_server=s) for s in servers}
        venvs = {s: venv_for(s, bakes[s]) for s in servers}
        for s in servers:
            data["versions"][s] = versions(venvs[s])
        if not args.skip_http:
            peer = startproject(venvs[servers[0]])
            wsgi = wsgi_venv(data["versions"][servers[0]]["django"])
            data["versions"]["wsgi"] = versions(wsgi)
            for s in servers:
                log(f"HTTP: {s}")
                data["http"][s] = http_server(s, bakes[s], venvs[s], peer, wsgi, mode)
        if not args.skip_ws:
            redis_project = bake(
                WORK / "bakes" / "uvicorn-redis", asgi_server="uvicorn", use_redis="true"
            )
            redis_venv = venv_for("uvicorn-redis", redis_project)
            data["versions"]["uvicorn-redis"] = versions(redis_venv)
            project = (
                bakes["uvicorn"]
                if "uvicorn" in bakes
                else bake(WORK / "bakes" / "uvicorn", asgi_server="uvicorn")
            )
            venv = venvs["uvicorn"] if "uvicorn" in venvs else venv_for("uvicorn", project)
            log("WebSockets (uvicorn bake)")
            data["ws"] = ws_measurements(project, venv, redis_project, redis_venv, mode)
        log("timing bakes")
        data["bake_seconds"] = time_bakes(mode.bakes)
        data["cookiecutter"] = run(
            TOOLS / "bin" / "cookiecutter", "--version", capture_output=True, text=True
        ).stdout.split(" from ")[0]
        data["matrix"] = matrix_summary()
    finally:
        stop_all()
    data["elapsed"] = time.perf_counter() - started
    (WORK / f"results-{mode.name}.json").write_text(json.dumps(data, indent=1, default=str))
    write_results(output, data)
    log(f"done in {data['elapsed'] / 60:.1f} min")


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def git_commit() -> str:
    out = run(
        "git", "-C", REPO, "log", "-1", "--format=%h", capture_output=True, text=True, check=False
    )
    dirty = run(
        "git",
        "-C",
        REPO,
        "status",
        "--porcelain",
        "--",
        "{{cookiecutter.project_slug}}",
        "hooks",
        "cookiecutter.json",
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"commit {out.stdout.strip()}" + (" plus uncommitted template changes" if dirty else "")


if __name__ == "__main__":
    main()
