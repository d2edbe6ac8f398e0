"""What one test session shares between the controller and its xdist workers, through a tmp dir.

The controller makes the dir and starts the services; workers find both through the environment.
"""

import os
from pathlib import Path

import pytest
from _pytest.mark.expression import Expression  # pytest's own -m parser; no public API

from matrix.bake import write_config

SESSION_DIR = "MATRIX_SESSION_DIR"


def directory() -> Path:
    return Path(os.environ[SESSION_DIR])


def cookiecutter_config() -> Path:
    return write_config(directory() / "cookiecutter")


def wants_matrix(config: pytest.Config) -> bool:
    """Whether -m leaves the matrix selected: `-m "not matrix"` must not pay for baking it."""
    markexpr = config.getoption("markexpr")
    return not markexpr or Expression.compile(markexpr).evaluate(lambda name, **_: name == "matrix")
