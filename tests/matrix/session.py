"""What one test session shares between the controller and its xdist workers, through a tmp dir.

The controller makes the dir and starts the services; workers find both through the environment.
Baking every combination happens once, in whichever process collects the matrix first (a file
lock keeps the others waiting): tier 2 is parametrized by distinct tree, so collection needs the
tree hashes, and the same bakes then serve tier 1.
"""

import dataclasses
import fcntl
import json
import os
import time
from pathlib import Path

import pytest
from _pytest.mark.expression import Expression  # pytest's own -m parser; no public API

from matrix.bake import Baked, bake_many, write_config
from matrix.options import selected_combinations

SESSION_DIR = "MATRIX_SESSION_DIR"


def directory() -> Path:
    return Path(os.environ[SESSION_DIR])


def cookiecutter_config() -> Path:
    return write_config(directory() / "cookiecutter")


def manifest() -> list[Baked]:
    path = directory() / "manifest.json"
    with (directory() / "manifest.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            started = time.perf_counter()
            baked = bake_many(selected_combinations(), directory() / "trees", cookiecutter_config())
            record = {
                "seconds": time.perf_counter() - started,
                "baked": [dataclasses.asdict(b) for b in baked],
            }
            path.write_text(json.dumps(record))
    return [Baked(**b) for b in json.loads(path.read_text())["baked"]]


def bake_seconds() -> float | None:
    path = directory() / "manifest.json"
    return json.loads(path.read_text())["seconds"] if path.exists() else None


def wants_matrix(config: pytest.Config) -> bool:
    """Whether -m leaves the matrix selected: `-m "not matrix"` must not pay for baking it."""
    markexpr = config.getoption("markexpr")
    return not markexpr or Expression.compile(markexpr).evaluate(lambda name, **_: name == "matrix")
