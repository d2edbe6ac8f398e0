"""Tier 1 for every combination: the bake succeeds and the tree is clean, complete and lint-free."""

import math

import pytest
from expected_files import expected_paths

from matrix import session, tier1
from matrix.options import selected_combinations

pytestmark = pytest.mark.matrix

# Combinations per test: large enough that one ruff call covers many trees, small enough that
# xdist keeps both cores busy until the end.
CHUNK = 64


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "chunk" not in metafunc.fixturenames:
        return
    count = len(session.manifest()) if session.wants_matrix(metafunc.config) else 0
    chunks = range(math.ceil(count / CHUNK))
    metafunc.parametrize("chunk", chunks, ids=[f"chunk{c:02d}" for c in chunks])


def test_every_combination_is_baked() -> None:
    assert [baked.options for baked in session.manifest()] == selected_combinations()


def test_tier1(chunk: int, record_property) -> None:
    batch = session.manifest()[chunk * CHUNK : (chunk + 1) * CHUNK]
    record_property("matrix_tier", "tier1")
    found = tier1.problems(batch, expected_paths)
    assert not found, f"{len(found)} of {len(batch)} combinations failed tier 1:\n" + tier1.report(
        batch, found
    )
