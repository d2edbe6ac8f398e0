"""Tier 2 for one distinct tree: install it in its own virtualenv and run everything it ships.

The virtualenv comes from the project's own pyproject.toml through uv (so a dependency missing
there fails here), with the oldest Python its requires-python allows among MATRIX_PYTHONS. The
runs use the session's Redis and PostgreSQL, each under its own database and key prefix.
"""

import functools
import hashlib
import os
import secrets
import shlex
import shutil
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from matrix import bytecode, cache, session
from matrix.bake import Baked, bake_command
from matrix.options import label
from matrix.services import create_database

KIND = "tier2"
# Output kept from a failing command: enough for a traceback, short enough to read.
TAIL_LINES = 80
# The first Python on which coverage.py can measure through sys.monitoring.
SYSMON = Version("3.12")


@dataclass
class Step:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)  # on top of the run's environment

    def shell(self) -> str:
        return " ".join([*(f"{k}={shlex.quote(v)}" for k, v in self.env.items()), *self.command])


@dataclass
class Outcome:
    cache_hit: bool
    failures: list[str]


@dataclass(frozen=True)
class Python:
    path: str
    version: Version


def python_for(project: Path) -> Python:
    """The oldest interpreter in MATRIX_PYTHONS (colon-separated paths) that the project accepts."""
    requires = tomllib.loads((project / "pyproject.toml").read_text())["project"]["requires-python"]
    candidates = os.environ.get("MATRIX_PYTHONS", "python3").split(":")
    for python in candidates:
        if (version := version_of(python)) in SpecifierSet(requires):
            return Python(python, version)
    raise RuntimeError(f"no Python in MATRIX_PYTHONS={candidates} satisfies {requires}")


@functools.cache
def version_of(python: str) -> Version:
    version = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return Version(version)


def service_env(baked: Baked, slot: int) -> dict[str, str]:
    """Where this run's data lives: its own database name, Redis database and key prefix."""
    name = f"matrix_{baked.tree[:12]}"
    env = {"REDIS_KEY_PREFIX": name}
    if baked.options["database"] == "postgresql":
        # pytest-django creates and drops test_<name>.
        env["DATABASE_URL"] = f"{os.environ['MATRIX_DATABASE_URL']}/{name}"
    if baked.options["use_redis"]:
        # Database 0 stays free; a Redis we did not start may have only the default 16.
        databases = int(os.environ.get("MATRIX_REDIS_DATABASES", "16"))
        env["REDIS_URL"] = f"{os.environ['MATRIX_REDIS_URL']}/{slot % (databases - 1) + 1}"
    return env


def base_env(project: Path) -> dict[str, str]:
    """The caller's environment minus anything that would leak into the project's settings."""
    leaking = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH"}
    # Without bytecode files, each of a tree's ~25 Python processes (servers, checks, release
    # steps) compiles every module it imports again: about 1 s of CPU each.
    leaking.add("PYTHONDONTWRITEBYTECODE")
    env = {key: value for key, value in os.environ.items() if key not in leaking}
    # Browsers and servers write under HOME: keep that inside the throwaway tree.
    home = project / ".home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), UV_PYTHON_DOWNLOADS="never")
    # uv's cache is shared between runs (and sessions); HOME moved, so name it explicitly.
    env.setdefault("UV_CACHE_DIR", os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache/uv")))
    return env


def steps(python: Python) -> list[Step]:
    """What runs in the tree's virtualenv, once uv has synced it for `python`."""
    venv_python = ".venv/bin/python"
    migrations = ["manage.py", "makemigrations", "--check", "--dry-run"]
    deploy = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    # Every test, the browser ones (deselected by the project's addopts) included, in one session:
    # a second session would set up the test database and the live server's release steps again.
    pytest = [venv_python, "-m", "pytest", "-p", "no:cacheprovider", "-m", "e2e or not e2e"]
    coverage = {}
    if python.version >= SYSMON:
        # Coverage's sys.monitoring core costs a fraction of its default tracer's CPU.
        coverage = {"COVERAGE_CORE": "sysmon"}
    else:
        # Older Pythons have only the tracer, which adds about 60% to the suite's CPU. The code
        # it would measure is the same in the tree's twin on the other Django version, which
        # runs on 3.12+ with coverage and its threshold (tests/test_matrix_tier2.py holds the
        # two alike): here the same tests prove the code on the older Python.
        pytest.append("--no-cov")
    return [
        Step("manage.py check", [venv_python, "manage.py", "check"]),
        Step("makemigrations", [venv_python, *migrations]),
        Step("check --deploy", [venv_python, *deploy], production),
        Step("pytest", pytest, coverage),
    ]


def run(step: Step, cwd: Path, env: dict[str, str]) -> str | None:
    """None when the step passes, else its name, command and the tail of its output."""
    result = subprocess.run(
        step.command, cwd=cwd, env=env | step.env, capture_output=True, text=True, timeout=900,
        check=False,
    )  # fmt: skip
    if result.returncode == 0:
        return None
    output = (result.stdout + result.stderr).splitlines()[-TAIL_LINES:]
    return f"$ {step.shell()}\nexited {result.returncode}:\n" + "\n".join(output)


def uv(args: list[str], project: Path, env: dict[str, str]) -> str | None:
    """`uv <args>` from the shared cache alone, and over the network only if the cache lacks
    something: offline once the cache is filled. An empty cache fills as trees need packages
    (the offline attempt fails at once); a filled one spares each tree PyPI's round trips."""
    step = Step(f"uv {args[0]}", ["uv", *args])
    offline = Step(step.name, [*step.command, "--offline"])
    if run(offline, project, env) is None:
        return None
    return run(step, project, env)


def cache_key(baked: Baked, project: Path, python: Python) -> str:
    digest = hashlib.sha256()
    digest.update(baked.tree.encode())
    digest.update((project / "uv.lock").read_bytes())  # the resolved dependency versions
    digest.update(f"{python.path} {python.version}".encode())
    digest.update(Path(__file__).read_bytes())  # what tier 2 runs is part of its result
    return digest.hexdigest()


def working_copy(baked: Baked) -> Path:
    """A copy of the baked tree to install into: tier 1 may be reading the original meanwhile."""
    source = Path(baked.path)
    # A directory of its own per call: the same tree may be verified twice at once (the
    # defaults suite and the matrix).
    parent = session.directory() / "tier2-trees"
    parent.mkdir(exist_ok=True)
    copy = Path(tempfile.mkdtemp(prefix=f"{baked.tree[:12]}-", dir=parent)) / source.name
    shutil.copytree(source, copy, symlinks=True)
    return copy


def verify(baked: Baked, slot: int) -> Outcome:
    project = working_copy(baked)
    try:
        return _verify(baked, slot, project)
    finally:
        # A tree's virtualenv is thousands of files: removed now, while the other workers keep
        # the cores busy, rather than all together when the session ends.
        shutil.rmtree(project.parent, ignore_errors=True)


def _verify(baked: Baked, slot: int, project: Path) -> Outcome:
    env = base_env(project)
    python = python_for(project)
    locked = uv(["lock", "--python", python.path], project, env)
    if locked:
        return Outcome(False, [locked])
    key = cache_key(baked, project, python)
    # The defaults suite and the matrix reach the default tree at about the same time; two runs
    # of one tree would also share its database names (per tree, whatever uv resolved).
    with cache.exclusive(KIND, baked.tree):
        if cache.lookup(KIND, key) is not None:
            return Outcome(True, [])
        return _install_and_test(baked, slot, project, env, python, key)


def _install_and_test(
    baked: Baked, slot: int, project: Path, env: dict[str, str], python: Python, key: str
) -> Outcome:
    synced = uv(["sync", "--locked", "--python", python.path], project, env)
    if synced:
        return Outcome(False, [synced])
    bytecode.share(project / ".venv", session.directory() / "bytecode")
    env |= service_env(baked, slot)
    if "DATABASE_URL" in env:
        create_database(os.environ["MATRIX_DATABASE_URL"], env["DATABASE_URL"].rsplit("/", 1)[1])
    failures = [failure for step in steps(python) if (failure := run(step, project, env))]
    if not failures:
        cache.record(KIND, key, {"tree": baked.tree, "options": baked.options})
    return Outcome(False, failures)


def report(members: list[Baked], outcome: Outcome, slot: int) -> str:
    """What failed, for which combinations, and the commands that reproduce it by hand."""
    first = members[0]
    project = Path(first.path)
    python = python_for(project)
    services = " ".join(f"{key}={value}" for key, value in service_env(first, slot).items())
    return "\n".join(
        [
            f"tree {first.tree} failed tier 2; {len(members)} combination(s) share it:",
            *(f"  {label(baked.options)}" for baked in members),
            "",
            *outcome.failures,
            "",
            "reproduce (with your own PostgreSQL/Redis in the URLs):",
            f"  {bake_command(first.options)}",
            f"  cd /tmp/repro/{project.name}",
            f"  uv sync --python {python.path}",
            *(f"  {services} {step.shell()}" for step in steps(python)),
        ]
    )
