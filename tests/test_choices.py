"""The defaults, and each choice of each option at least once, bake clean and complete.

The matrix covers every combination; this is the quick subset's cover: one bake per choice.
"""

import pytest
from expected_files import expected_paths

from matrix import tier1
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
