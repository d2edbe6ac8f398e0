"""The defaults, and each choice of each option at least once, bake clean and complete.

The matrix covers every combination; this is the quick subset's cover: one bake per choice.
"""

import os
import subprocess
import tomllib

import pytest
from expected_files import expected_paths

from matrix import tier1, tier2
from matrix.bake import Baked
from matrix.options import DEFAULTS, SPACE
from matrix.tree import tree_hash

EACH_CHOICE = [(key, value) for key, values in SPACE.items() for value in values]


def check(result, options) -> None:
    assert result.exit_code == 0, result.exception
    baked = Baked(0, options, str(result.project_path), tree_hash(result.project_path), None)
    found = tier1.problems([baked], expected_paths)
    assert not found, tier1.report([baked], found)


def test_defaults(bake):
    result = bake()
    assert result.project_path.name == "my_async_project"
    check(result, DEFAULTS)


@pytest.mark.parametrize(("key", "value"), EACH_CHOICE, ids=[f"{k}={v}" for k, v in EACH_CHOICE])
def test_each_choice(bake, key, value):
    check(bake(**{key: value}), DEFAULTS | {key: value})


@pytest.mark.parametrize("name", ["Blog", "Zulu Chat"])
def test_names_sorting_before_and_after_config_bake_lint_clean(bake, name):
    """Import sorting must not depend on where the project's name sorts against `config`."""
    result = bake(project_name=name, use_redis=True)
    check(result, DEFAULTS | {"use_redis": True})


@pytest.mark.parametrize("version", SPACE["django_version"])
def test_python_version_is_the_oldest_the_project_accepts_and_is_found_here(bake, version):
    project = bake(django_version=version).project_path
    pinned = (project / ".python-version").read_text().strip()
    requires = tomllib.loads((project / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == f">={pinned}"
    # As a user's `uv sync` would, without downloading a Python.
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    found = subprocess.run(
        [tier2.UV, "python", "find"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    version_of = subprocess.run(
        [found.stdout.strip(), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert version_of == pinned
