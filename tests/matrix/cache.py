"""Results kept between sessions, so that a re-run with nothing changed is quick.

Tier 2 keeps a tree's result under its tree hash (with the resolved dependency versions); tier 1
keeps the whole matrix's bake under a hash of everything that decides it: the template, the
code that checks it, the installed tools and the selected combinations. MATRIX_CACHE=0 turns
the cache off, and CI (CI=true) never uses it. Within a session, results are always shared.
"""

import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from matrix import session
from matrix.options import TEMPLATE, Options

ROOT = TEMPLATE / ".cache" / "matrix"
# What a bake and its tier-1 checks read: the template itself and the tests' own code.
TEMPLATE_SOURCES = ("cookiecutter.json", "hooks", "{{cookiecutter.project_slug}}", "tests")


def copy_template(destination: Path) -> Path:
    """The template's sources copied to destination: enough to bake from, and what the key reads."""
    for source in TEMPLATE_SOURCES:
        if (TEMPLATE / source).is_file():
            destination.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE / source, destination / source)
        else:
            ignored = shutil.ignore_patterns("__pycache__")
            shutil.copytree(TEMPLATE / source, destination / source, ignore=ignored)
    return destination


def enabled() -> bool:
    return os.environ.get("MATRIX_CACHE", "1") != "0" and os.environ.get("CI") != "true"


def dirs(kind: str) -> list[Path]:
    """Where results of this kind live: the session's dir always, the persistent one if enabled."""
    found = [session.directory() / kind]
    if enabled():
        found.append(ROOT / kind)
    return found


def lookup(kind: str, key: str) -> dict | None:
    for directory in dirs(kind):
        path = directory / f"{key}.json"
        if path.exists():
            return json.loads(path.read_text())
    return None


def record(kind: str, key: str, result: dict) -> None:
    for directory in dirs(kind):
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f"{key}.json.{os.getpid()}"
        partial.write_text(json.dumps(result))
        partial.replace(directory / f"{key}.json")  # readers never see half a file


@contextmanager
def exclusive(kind: str, key: str) -> Iterator[None]:
    """One process at a time per key: a second one waits, then finds the first one's result."""
    directory = session.directory() / "locks"
    directory.mkdir(exist_ok=True)
    with (directory / f"{kind}-{key}").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def template_key(combinations: list[Options], template: Path = TEMPLATE) -> str:
    digest = hashlib.sha256()
    for source in TEMPLATE_SOURCES:
        root = template / source
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                executable = path.stat().st_mode & 0o111 != 0
                digest.update(f"{path.relative_to(template)}\0{executable}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    tools = sorted(f"{d.name}=={d.version}" for d in importlib.metadata.distributions())
    digest.update(json.dumps([sys.version, tools, combinations]).encode())
    return digest.hexdigest()
