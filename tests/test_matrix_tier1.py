"""Tier 1 for every combination: the bake succeeds and the tree is clean, complete and lint-free."""

import pytest
from expected_files import expected_paths

from matrix import manifest, session, tier1
from matrix.options import selected_combinations

pytestmark = pytest.mark.matrix


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "chunk" not in metafunc.fixturenames:
        return
    count = len(manifest.load()) if session.wants_matrix(metafunc.config) else 0
    chunks = tier1.chunks(count)
    metafunc.parametrize("chunk", chunks, ids=[f"chunk{c:02d}" for c in chunks])


def test_every_combination_is_baked() -> None:
    assert [baked.options for baked in manifest.load()] == selected_combinations()


def test_tier1(chunk: int, record_property) -> None:
    record_property("matrix_tier", "tier1")
    if manifest.is_cached():  # this template, these tools: tier 1 passed in an earlier session
        record_property("cache", "hit")
        return
    batch = manifest.load()[chunk * tier1.CHUNK : (chunk + 1) * tier1.CHUNK]
    found = tier1.problems(batch, expected_paths)
    assert not found, f"{len(found)} of {len(batch)} combinations failed tier 1:\n" + tier1.report(
        batch, found
    )
