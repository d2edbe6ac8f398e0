"""Tier 2 for one tree: what a user of that bake runs, run as written, against real services.

In a fresh copy of the bake, the README's commands in the order a reader meets them (install,
first commit, migrate, the development server, tests, linters); then, in a clean checkout of the
commit that made, every step of every CI job. A CI step that is the very same command as one the
README flow already passed in this tree is not run twice. The services both ask for are the
suite's own PostgreSQL and Redis, under a database and a Redis database of this tree's own.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from matrix import bytecode, cache, session
from matrix.bake import Baked, bake_command
from matrix.commands import Command, Job, ci_jobs, readme_commands
from matrix.options import label
from matrix.services import create_database
from matrix.userflow import Ran, Shell, scratch

KIND = "tier2"
TREES = "tier2-trees"
# The suite's own uv: beside its Python (scripts/test.sh installs it there), else on PATH.
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv") or "uv"


@dataclass
class Outcome:
    cache_hit: bool
    failures: list[str]
    ran: list[Ran]


def services(baked: Baked, slot: int, project: Path) -> dict[str, str]:
    """This tree's own database and Redis database on the suite's servers, by variable."""
    found = {}
    if "postgres" in service_kinds(project):
        found["DATABASE_URL"] = f"{os.environ['MATRIX_DATABASE_URL']}/{database_name(baked)}"
    if "redis" in service_kinds(project):
        # Database 0 stays free; a Redis we did not start may have only the default 16.
        databases = int(os.environ.get("MATRIX_REDIS_DATABASES", "16"))
        found["REDIS_URL"] = f"{os.environ['MATRIX_REDIS_URL']}/{slot % (databases - 1) + 1}"
    return found


def service_kinds(project: Path) -> set[str]:
    """What the project runs on, from what its own .env.example names."""
    example = (project / ".env.example").read_text()
    return {kind for name, kind in (("DATABASE_URL=postgres", "postgres"),
                                    ("REDIS_URL=", "redis")) if name in example}  # fmt: skip


def database_name(baked: Baked) -> str:
    return f"matrix_{baked.tree[:12]}"


def base_env(home: Path) -> dict[str, str]:
    """A user's shell: the caller's environment minus the test suite's own, its own HOME."""
    leaking = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV",
               "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER",
               "CI"}  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key not in leaking}
    # uv from the suite's tools, but not the suite's virtualenv (its python, pytest, ruff...).
    venv_bin = str(Path(sys.executable).parent)
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry != venv_bin]
    env["PATH"] = os.pathsep.join([str(tools_dir()), *path])
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_CONFIG_HOME=str(home / ".config"),
        # uv's cache is shared by every tree (and session); HOME moved, so name it explicitly.
        UV_CACHE_DIR=os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache" / "uv")),
        # Never download a Python: the machine's own must do, as .python-version asks.
        UV_PYTHON_DOWNLOADS="never",
        GIT_AUTHOR_NAME="Matrix", GIT_AUTHOR_EMAIL="matrix@example.com",
        GIT_COMMITTER_NAME="Matrix", GIT_COMMITTER_EMAIL="matrix@example.com",
    )  # fmt: skip
    return env


def tools_dir() -> Path:
    """A directory holding only `uv`, put first on the user's PATH."""
    directory = session.directory() / "tools"
    if not (directory / "uv").exists():
        directory.mkdir(exist_ok=True)
        with_uv = directory / f"uv.{os.getpid()}"
        with_uv.symlink_to(Path(UV).resolve())
        with_uv.replace(directory / "uv")
    return directory


def cache_key(project: Path) -> str:
    """Everything the run depends on: the bake's files, what its dependencies resolve to, the
    Python uv picks for it, and the code of this tier."""
    digest = hashlib.sha256()
    for path in sorted(project.rglob("*")):
        if path.is_file() and path.name != ".env":  # .env holds the bake's random SECRET_KEY
            digest.update(f"{path.relative_to(project)}\0{os.access(path, os.X_OK)}\0".encode())
            digest.update(path.read_bytes())
    resolved = resolve(project)
    digest.update(resolved.encode())
    for module in ("tier2.py", "userflow.py", "commands.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()


def resolve(project: Path) -> str:
    """The lock and Python the project's own pyproject.toml and .python-version resolve to, made
    in a scratch directory: the bake itself stays as the user gets it."""
    work = scratch(session.directory() / "locks-scratch", "lock-")
    try:
        for name in ("pyproject.toml", ".python-version"):
            shutil.copy2(project / name, work / name)
        env = base_env(work / ".home")
        for offline in (True, False):
            result = subprocess.run(
                [UV, "lock", *(["--offline"] if offline else [])],
                cwd=work, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if result.returncode == 0:
                break
        python = subprocess.run(
            [UV, "python", "find"], cwd=work, env=env, capture_output=True, text=True, check=False
        ).stdout
        lock = (work / "uv.lock").read_text() if (work / "uv.lock").exists() else result.stderr
        return f"{python}\n{lock}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verify(baked: Baked, slot: int) -> Outcome:
    project = Path(baked.path)
    key = cache_key(project)
    # The same tree may be asked for twice at once (the defaults test and the matrix): the
    # second waits and finds the first one's result.
    with cache.exclusive(KIND, baked.tree):
        if cache.lookup(KIND, key) is not None:
            return Outcome(True, [], [])
        root = scratch(session.directory() / TREES, f"{baked.tree[:12]}-")
        try:
            outcome = run_user_commands(baked, slot, root)
        finally:
            # A tree's virtualenvs are thousands of files: removed now, while the other workers
            # keep the cores busy, rather than all together when the session ends.
            shutil.rmtree(root, ignore_errors=True)
        if not outcome.failures:
            cache.record(KIND, key, {"tree": baked.tree, "options": baked.options})
        return outcome


def run_user_commands(baked: Baked, slot: int, root: Path) -> Outcome:
    source = Path(baked.path)
    project = root / "readme" / source.name
    shutil.copytree(source, project, symlinks=True)
    urls = services(baked, slot, project)
    if "DATABASE_URL" in urls:
        create_database(os.environ["MATRIX_DATABASE_URL"], database_name(baked))
    env = base_env(root / "home")
    # REDIS_KEY_PREFIX keeps two runs of one tree apart should they share a Redis database.
    env["REDIS_KEY_PREFIX"] = database_name(baked)
    # The services are the user's to start before the first command: they are in the
    # environment from the start, as `.env` or a shell profile would have them.
    shell = Shell(project, env | urls, urls, root / "logs" / "readme")
    for command in readme_commands(project):
        if not run_one(shell, command):
            return Outcome(False, [failure(baked, shell.ran[-1])], shell.ran)
    passed = {ran.command.text for ran in shell.ran if ran.status == "passed"}
    ran = list(shell.ran)
    for number, job in enumerate(ci_jobs(project)):
        checkout = root / f"ci-{number}" / source.name
        clone(project, checkout)
        job_shell = ci_shell(job, checkout, env, urls, root / "logs" / f"ci-{number}")
        for command in job.commands:
            if command.text in passed:
                job_shell.skip(command, "the same command passed in the README's flow above")
            elif not run_one(job_shell, command):
                return Outcome(False, [failure(baked, job_shell.ran[-1])], ran + job_shell.ran)
        ran += job_shell.ran
    return Outcome(False, [], ran)


def run_one(shell: Shell, command: Command) -> bool:
    """Run a command; uv's install commands try the shared cache alone first (offline), and
    reach PyPI only when it lacks something."""
    if command.text.split()[:2] in (["uv", "sync"], ["uv", "lock"]):
        offline = Command(command.where, command.text, command.env | {"UV_OFFLINE": "1"})
        if shell.run(offline).status == "passed":
            share_bytecode(shell.cwd)
            return True
        shell.ran.pop()
    passed = shell.run(command).status == "passed"
    share_bytecode(shell.cwd)
    return passed


def share_bytecode(project: Path) -> None:
    if (project / ".venv").is_dir():
        bytecode.share(project / ".venv", session.directory() / "bytecode")


# cp's complaint about a source file that another process removed while it copied.
VANISHED = re.compile(r"cp: cannot (stat|create hard link) .*: No such file or directory$")


def clone(project: Path, checkout: Path) -> None:
    """What CI checks out: the commit the README's first steps made, else the bake committed."""
    checkout.parent.mkdir(parents=True)
    if (project / ".git").exists():
        subprocess.run(["git", "clone", "--quiet", str(project), str(checkout)], check=True)
        return
    shutil.copytree(project, checkout, ignore=shutil.ignore_patterns(".venv"))
    for command in (["init", "--quiet"], ["add", "-A"], ["commit", "--quiet", "-m", "bake"]):
        subprocess.run(["git", *command], cwd=checkout, check=True, env=base_env(checkout.parent))


def ci_shell(job: Job, checkout: Path, env: dict, urls: dict, logs: Path) -> Shell:
    job_env = env | job.env | {"CI": "true"}
    if job.where.startswith(".github"):
        job_env["GITHUB_ACTIONS"] = "true"
    else:
        job_env["GITLAB_CI"] = "true"
    for path in job.cache_paths:
        # The runner restores the job's cache from earlier runs: here, uv's shared cache.
        if job_env.get("UV_CACHE_DIR") == path:
            restore_cache(Path(env["UV_CACHE_DIR"]), checkout / path)
    github_env = logs.parent / f"{logs.name}.github_env" if "GITHUB_ACTIONS" in job_env else None
    logs.parent.mkdir(parents=True, exist_ok=True)
    return Shell(checkout, job_env, urls, logs, github_env)


def restore_cache(cache: Path, target: Path) -> None:
    """Hard-link uv's shared cache to `target`, as a CI runner restores a job's cache; its lock
    files are the target's own.

    Other trees' uv processes write to the cache meanwhile: a temporary file of theirs that
    vanishes between cp's listing and its link is no loss. Any other error is.
    """
    if not cache.is_dir():
        raise FileNotFoundError(f"no uv cache at {cache}")
    result = subprocess.run(
        ["cp", "-al", str(cache), str(target)], capture_output=True, text=True, check=False
    )
    lines = result.stderr.splitlines()
    if result.returncode and not (lines and all(VANISHED.match(line) for line in lines)):
        raise subprocess.CalledProcessError(
            result.returncode, result.args, result.stdout, result.stderr
        )
    # uv locks its cache with flock() on lock files: a hard-linked one would be the same lock
    # as the shared cache's, and `uv cache prune` would wait for every other tree's uv process.
    for lock in target.rglob("*lock"):
        if lock.is_file() and lock.stat().st_nlink > 1:
            content = lock.read_bytes()
            lock.unlink()
            lock.write_bytes(content)


def failure(baked: Baked, ran: Ran) -> str:
    return f"tree {baked.tree[:12]} ({label(baked.options)}):\n{ran.describe()}"


def report(members: list[Baked], outcome: Outcome) -> str:
    """What failed, for which combinations, what passed before it, and how to get the bake."""
    first = members[0]
    return "\n".join(
        [
            f"tree {first.tree} failed tier 2; {len(members)} combination(s) share it:",
            *(f"  {label(baked.options)}" for baked in members[:8]),
            *([f"  ... and {len(members) - 8} more"] if len(members) > 8 else []),
            "",
            *outcome.failures,
            "",
            "passed before it:",
            *(f"  {ran.status}: $ {ran.command.text}" for ran in outcome.ran[:-1]),
            "",
            f"reproduce: {bake_command(first.options)}, then the commands above",
            f"in /tmp/repro/{Path(first.path).name}, with your own DATABASE_URL and REDIS_URL",
        ]
    )
