"""Tier 1 for every combination: the bake succeeds and the tree is clean, complete and lint-free.

Every combination is baked and checked once, at collection (matrix.manifest); these tests report
the results in chunks, and the plan's rows (free-text answers included) as one more test.
"""

import pytest

from matrix import manifest, plan, session, tier1
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
    found = tier1.recorded(batch)
    assert not found, f"{len(found)} of {len(batch)} combinations failed tier 1:\n" + tier1.report(
        batch, found
    )


def test_the_plans_trees_pass_tier1() -> None:
    rows = manifest.plan_rows()
    found = tier1.recorded(rows)
    assert not found, f"{len(found)} of {len(rows)} plan rows failed tier 1:\n" + tier1.report(
        rows, found
    )


def test_the_plan_covers_every_allowed_3_tuple_of_the_behaviour_options() -> None:
    baked, rows, keys = manifest.load(), manifest.plan_rows(), manifest.behaviour_keys()
    missing = plan.allowed_tuples(baked, keys) - plan.tuples((row.options for row in rows), keys)
    assert not missing, f"no plan row has {sorted(missing)[:10]}"
    # The first row is the first selected combination (the defaults, unless MATRIX_ONLY).
    assert rows[0].options == baked[0].options
