"""Tier 2: what a user of a bake runs, run as written, for every row of the covering plan.

With MATRIX_TIER2=all, for every distinct tree instead (the first combination of each).
"""

import pytest

from matrix import manifest, session, tier2
from matrix.bake import Baked
from matrix.options import tier2_mode

pytestmark = pytest.mark.matrix


def targets() -> list[list[Baked]]:
    """Each target's combinations: the one verified first, then those sharing its tree."""
    if tier2_mode() == "all":
        trees: dict[str, list[Baked]] = {}
        for baked in manifest.load():
            if baked.tree:
                trees.setdefault(baked.tree, []).append(baked)
        return list(trees.values())
    return [[row] for row in manifest.plan_rows() if row.tree]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" not in metafunc.fixturenames:
        return
    count = len(targets()) if session.wants_matrix(metafunc.config) else 0
    metafunc.parametrize(
        "target", range(count), ids=[f"{tier2_mode()}{n:03d}" for n in range(count)]
    )


def test_tier2(target: int, record_property) -> None:
    members = targets()[target]
    record_property("matrix_tier", "tier2")
    outcome = tier2.verify(members[0], slot=target)
    record_property("cache", "hit" if outcome.cache_hit else "miss")
    assert not outcome.failures, tier2.report(members, outcome)
