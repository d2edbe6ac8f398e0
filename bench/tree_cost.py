"""What one tier-2 tree costs, at two revisions of the template, measured side by side.

    .venv/bin/python bench/tree_cost.py [--base REV] [--rounds N] [--servers uvicorn,granian]
                                        [--set "use_redis=yes database=postgresql"]

Bakes the defaults (SQLite, Channels on, Redis off: no service needed), or the defaults with the
options that --set changes, with each ASGI server and each Django version, at REV (default
HEAD~1) and at the working tree, installs each with uv (`uv sync`), and runs each project's whole
suite as its README says (`uv run pytest`), alternating the two revisions round by round so that
the machine's noise falls on both alike. A tree that needs Redis or PostgreSQL gets the matrix's
own, started for the run. Prints the CPU (user + system, the suite and every process it starts)
and the wall time, medians over the rounds. Not part of the test suite.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from matrix import tier2  # noqa: E402
from matrix.bake import bake, write_config  # noqa: E402
from matrix.options import DEFAULTS, SPACE, check_keys, format_value  # noqa: E402
from matrix.services import Postgres, Redis, create_database  # noqa: E402


def checkout(rev: str, into: Path) -> Path:
    """The template as it was at rev (git archive: no worktree left behind)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def parse_set(text: str) -> dict:
    """ "key=value ..." as cookiecutter's command line spells it, back to the options' values."""
    wanted = dict(item.split("=", 1) for item in text.split())
    check_keys(wanted)
    return {
        key: next(value for value in SPACE[key] if format_value(value) == spelled)
        for key, spelled in wanted.items()
    }


def services_env(options: dict, services: dict) -> dict[str, str]:
    """Where a tree that needs them finds Redis and PostgreSQL: its own databases and prefix."""
    name = f"cost_{len(services['names'])}"
    env = {"REDIS_KEY_PREFIX": name}
    if options["database"] == "postgresql":
        create_database(services["postgres"].url, name)
        env["DATABASE_URL"] = f"{services['postgres'].url}/{name}"
    if options["use_redis"]:
        env["REDIS_URL"] = f"{services['redis'].url}/{len(services['names']) + 1}"
    services["names"].append(name)
    return env


def install(
    template: Path, options: dict, out: Path, services: dict
) -> tuple[Path, dict[str, str], list[str]]:
    project = bake(options, out, write_config(out / ".cookiecutter"), template)
    env = tier2.base_env(out / "home") | services_env(options, services)
    subprocess.run(["uv", "sync", "-q"], cwd=project, env=env, check=True)
    return project, env, ["uv", "run", "pytest", "-p", "no:cacheprovider"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(project: Path, env: dict[str, str], command: list[str]) -> tuple[float, float]:
    cpu, wall = children_cpu(), time.monotonic()
    result = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{project}: the suite failed:\n{result.stdout[-3000:]}")
    return children_cpu() - cpu, time.monotonic() - wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="HEAD~1")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--servers", default=",".join(SPACE["asgi_server"]))
    parser.add_argument("--set", default="", help='options off the defaults: "use_redis=yes"')
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tree-cost-"))
    work.chmod(0o755)  # PostgreSQL's cluster underneath belongs to the postgres user
    os.environ.setdefault("MATRIX_SESSION_DIR", str(work))
    templates = {args.base: checkout(args.base, work / "base"), "working tree": ROOT}
    chosen = DEFAULTS | parse_set(args.set)
    services: dict = {"names": []}
    try:
        # Inside the try: a PostgreSQL that fails to start still stops the Redis before it.
        if chosen["use_redis"]:
            services["redis"] = Redis(work / "redis")
        if chosen["database"] == "postgresql":
            services["postgres"] = Postgres(work / "postgres")
        trees = []
        for server in args.servers.split(","):
            for django in SPACE["django_version"]:
                options = chosen | {"asgi_server": server, "django_version": django}
                for label, template in templates.items():
                    out = work / f"{server}-{django}-{label.replace(' ', '-').replace('~', '_')}"
                    installed = install(template, options, out, services)
                    trees.append((f"{server} {django}", label, *installed))

        samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.rounds):
            for tree, label, project, env, command in trees:
                samples.setdefault((tree, label), []).append(measure(project, env, command))
    finally:
        for service in ("redis", "postgres"):
            if service in services:
                services[service].stop()

    if args.set:
        print(f"options off the defaults: {args.set}\n")

    print(f"| tree | revision | CPU s (median of {args.rounds}) | wall s |")
    print("|---|---|---|---|")
    totals: dict[str, float] = {}
    for (tree, label), runs in samples.items():
        cpu = statistics.median(run[0] for run in runs)
        wall = statistics.median(run[1] for run in runs)
        totals[label] = totals.get(label, 0.0) + cpu
        print(f"| {tree} | {label} | {cpu:.1f} | {wall:.1f} |")
    base, new = totals[args.base], totals["working tree"]
    print(f"\nCPU summed over the trees: {args.base} {base:.1f} s, working tree {new:.1f} s "
          f"({new / base:.2f}x)")  # fmt: skip
    print(f"(baked and installed under {work}; remove it when done)")


if __name__ == "__main__":
    main()
