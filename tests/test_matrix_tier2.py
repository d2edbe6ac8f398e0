"""Tier 2 for every distinct tree: its own virtualenv, Django's checks and its whole test suite."""

import pytest

from matrix import manifest, session, tier2
from matrix.bake import Baked

pytestmark = pytest.mark.matrix


def distinct_trees() -> dict[str, list[Baked]]:
    """Combinations grouped by tree hash, in matrix order; failed bakes are tier 1's to report."""
    trees: dict[str, list[Baked]] = {}
    for baked in manifest.load():
        if baked.tree:
            trees.setdefault(baked.tree, []).append(baked)
    return trees


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "tree" not in metafunc.fixturenames:
        return
    trees = list(distinct_trees()) if session.wants_matrix(metafunc.config) else []
    metafunc.parametrize("tree", trees, ids=[tree[:12] for tree in trees])


def test_tier2(tree: str, record_property) -> None:
    trees = distinct_trees()
    members = trees[tree]
    slot = list(trees).index(tree)
    record_property("matrix_tier", "tier2")
    outcome = tier2.verify(members[0], slot)
    record_property("cache", "hit" if outcome.cache_hit else "miss")
    assert not outcome.failures, tier2.report(members, outcome, slot)
