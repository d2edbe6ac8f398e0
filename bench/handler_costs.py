#!/usr/bin/env python3
"""What each part of Django's ASGI handler costs a request: the generated project's handler
(asgi/handler.py) with one of Django's costs put back at a time, in one process.

    python3 bench/handler_costs.py --project BAKE [--requests 5000] [--rounds 5]

BAKE is a bake with its virtualenv (`uv sync`); the script re-runs itself with that venv's
Python and the project's production settings plus bench/apps/project_settings.py (the bench
URLconf), as run.py's (c) runs. No server: a fake one (the messages uvicorn sends) drives
`GET /bench/hello/` through each variant, 50 requests in flight, and the table gives the
process's CPU (every thread) per request, median over rounds taken in turn.
"""

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SLUG = "my_async_project"
IN_FLIGHT = 50


def reexec(project: Path) -> None:
    """Run again in the bake's venv, with its production settings."""
    python = project / ".venv" / "bin" / "python"
    if Path(sys.executable) == python or os.environ.get("HANDLER_COSTS_CHILD"):
        return
    if not python.exists():
        sys.exit(f"handler_costs: {python} is missing: run `uv sync` in the bake")
    work = Path(tempfile.mkdtemp(prefix="handler-costs-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        HANDLER_COSTS_CHILD="1",
        PYTHONPATH=f"{BENCH / 'apps'}{os.pathsep}{project}",
        DJANGO_SETTINGS_MODULE="project_settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        STATIC_ROOT=str(work / "static"),
    )
    os.chdir(project)
    os.execve(python, [str(python), __file__, *sys.argv[1:]], env)


def variants() -> dict:
    """Name -> an ASGI application for HTTP, each built the same way from the settings."""
    from asgiref.sync import ThreadSensitiveContext, sync_to_async
    from django.core import signals
    from django.core.handlers.asgi import ASGIHandler

    handler_module = __import__(f"{SLUG}.asgi.handler", fromlist=["LazyThreadASGIHandler"])
    lazy_handler = handler_module.LazyThreadASGIHandler

    class StartedHop(lazy_handler):
        """request_started sent Django's way: a hop to the request's thread."""

        async def send_request_started(self, scope, lazy):
            await signals.request_started.asend(sender=self.signal_sender, scope=scope)

    class CloseHop(lazy_handler):
        """response.close() (request_finished) Django's way: a hop to the request's thread."""

        async def close_response(self, response, lazy):
            await sync_to_async(response.close)()

    class BothHops(StartedHop, CloseHop):
        pass

    class Eager(handler_module._StartOnSuspend):
        __slots__ = ()

        def __await__(self):
            self.on_suspend()
            return (yield from self.coro.__await__())

    class EagerListener(lazy_handler):
        """The disconnect listener started with every request, as Django's task group does."""

        async def respond_or_abort(self, request, receive, send):
            handler_module._StartOnSuspend = Eager
            try:
                return await super().respond_or_abort(request, receive, send)
            finally:
                handler_module._StartOnSuspend = lazy_start

    lazy_start = handler_module._StartOnSuspend

    class ReusedThreads:
        """Django's handler, each request on a one-thread executor taken from a free list: its
        two signal hops and its task group, without a thread start per request."""

        def __init__(self, app):
            self.app, self.idle = app, []

        async def __call__(self, scope, receive, send):
            from concurrent.futures import ThreadPoolExecutor

            executor = self.idle.pop() if self.idle else ThreadPoolExecutor(max_workers=1)
            try:
                async with ThreadSensitiveContext(executor=executor):
                    await self.app(scope, receive, send)
            finally:
                self.idle.append(executor)

    return {
        "Django's ASGIHandler (a thread started per request)": ASGIHandler(),
        "Django's ASGIHandler on reused threads (the template before this handler)": (
            ReusedThreads(ASGIHandler())
        ),
        "this handler, request_started hop put back": StartedHop(),
        "this handler, response.close() hop put back": CloseHop(),
        "this handler, both hops put back": BothHops(),
        "this handler, disconnect listener started eagerly": EagerListener(),
        "this handler (asgi/handler.py)": lazy_handler(),
    }


HEADERS = [(b"host", b"127.0.0.1"), (b"user-agent", b"wrk"), (b"accept", b"*/*")]


def scope_for(path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "GET",
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": HEADERS,
        "state": {},
    }


async def one(app, path: str) -> None:
    sent = []
    first = True
    never = asyncio.get_running_loop().create_future()  # the client stays until the end

    async def receive():
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b"", "more_body": False}
        return await never

    async def send(message):
        sent.append(message)

    await app(scope_for(path), receive, send)
    assert sent[0]["status"] == 200, sent[0]


async def load(app, requests: int, path: str = "/bench/hello/") -> None:
    numbers = iter(range(requests))

    async def client():
        for _ in numbers:
            await one(app, path)

    await asyncio.gather(*(client() for _ in range(IN_FLIGHT)))


async def measure(apps: dict, requests: int, rounds: int) -> dict[str, list[float]]:
    cpu: dict[str, list[float]] = {name: [] for name in apps}
    for app in apps.values():
        await load(app, requests // 5)  # warm-up
    names = list(apps)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.process_time()
            await load(apps[name], requests)
            cpu[name].append(1e6 * (time.process_time() - start) / requests)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", required=True, type=Path)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    reexec(args.project.resolve())
    import django

    django.setup(set_prefix=False)
    cpu = asyncio.run(measure(variants(), args.requests, args.rounds))
    ours = statistics.median(cpu["this handler (asgi/handler.py)"])
    print(
        f"Django {django.get_version()}, Python {sys.version.split()[0]}, {args.requests} "
        f"requests x {args.rounds} rounds, {IN_FLIGHT} in flight, GET /bench/hello/\n"
    )
    print("| handler | CPU per request | vs this handler | rounds (µs) |")
    print("|---|---:|---:|---|")
    for name, values in cpu.items():
        median = statistics.median(values)
        print(
            f"| {name} | {median:,.0f} µs | {median - ours:+,.0f} µs | "
            f"{', '.join(f'{v:,.0f}' for v in values)} |"
        )


if __name__ == "__main__":
    main()
