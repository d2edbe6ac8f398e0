"""What one test session shares between the controller and its xdist workers, through a tmp dir.

The controller makes the dir and starts the services; workers find both through the environment.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from _pytest.mark.expression import Expression  # pytest's own -m parser; no public API

from matrix.bake import write_config

SESSION_DIR = "MATRIX_SESSION_DIR"
# Tier 1 writes, reads back and removes a few hundred thousand small files: on a memory
# filesystem that costs a third of what it costs on disk. The bakes and every process's
# temporary files go there when it has room; the trees' virtualenvs stay on disk, beside uv's
# cache, which they hard-link.
MEMORY = Path("/dev/shm")
MEMORY_NEEDED = 2 * 2**30


def directory() -> Path:
    return Path(os.environ[SESSION_DIR])


def scratch() -> Path:
    """The session's bakes and temporary files: in memory where possible (see make)."""
    return directory() / "scratch"


def make() -> Path:
    """A new session directory, its scratch directory a link into MEMORY when that has room."""
    made = Path(tempfile.mkdtemp(prefix="matrix-"))
    scratch = made / "scratch"
    if _has_room(MEMORY):
        scratch.symlink_to(tempfile.mkdtemp(prefix="matrix-", dir=MEMORY))
    else:
        scratch.mkdir()
    for path in (made, scratch.resolve()):
        path.chmod(0o755)  # the postgres user creates its cluster in the one, reads the other
    return made


def _has_room(path: Path) -> bool:
    return (
        path.is_dir() and os.access(path, os.W_OK) and shutil.disk_usage(path).free >= MEMORY_NEEDED
    )


def remove(made: Path) -> None:
    link = made / "scratch"
    if link.is_symlink():
        shutil.rmtree(link.resolve(), ignore_errors=True)
    shutil.rmtree(made, ignore_errors=True)


def cookiecutter_config() -> Path:
    return write_config(directory() / "cookiecutter")


def wants_matrix(config: pytest.Config) -> bool:
    """Whether -m leaves the matrix selected: `-m "not matrix"` must not pay for baking it."""
    markexpr = config.getoption("markexpr")
    return not markexpr or Expression.compile(markexpr).evaluate(lambda name, **_: name == "matrix")
