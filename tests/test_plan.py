"""Tier 2's plan covers every allowed 3-tuple of behaviour options, found from the bakes alone."""

import hashlib
import itertools

import pytest

from matrix import plan
from matrix.bake import Baked
from matrix.options import DEFAULTS, SPACE, Options


def baked(space: dict[str, list], behaviour: set[str], refused=lambda options: False) -> list:
    """Every combination of `space`, its tree a hash of the behaviour keys' values only."""
    found = []
    keys = list(space)
    for index, values in enumerate(itertools.product(*space.values())):
        options = dict(zip(keys, values, strict=True))
        if refused(options):
            found.append(Baked(index, options, None, None, "FailedHookException: refused"))
            continue
        tree = hashlib.sha256(repr([options[k] for k in keys if k in behaviour]).encode())
        found.append(Baked(index, options, f"/bakes/{index}", tree.hexdigest(), None))
    return found


# The real option space; the last key stands for one that changes no behaviour.
INERT = list(SPACE)[-1]
BEHAVIOUR = set(SPACE) - {INERT}


def missing(rows: list[Options], bakes: list[Baked]) -> set:
    keys = plan.behaviour_keys(bakes)
    return plan.allowed_tuples(bakes, keys) - plan.tuples(rows, keys)


@pytest.fixture(scope="module")
def space_plan() -> tuple[list[Baked], list[Options]]:
    """The real option space's bakes and plan, made once for the tests that only read them."""
    bakes = baked(SPACE, BEHAVIOUR)
    return bakes, plan.make_plan(bakes)


def test_behaviour_keys_are_found_from_the_trees():
    assert plan.behaviour_keys(baked(SPACE, BEHAVIOUR)) == [k for k in SPACE if k != INERT]


def test_the_plan_covers_every_3_tuple_starting_from_the_defaults(space_plan):
    bakes, rows = space_plan

    assert plan.defaults_first(rows)
    assert missing(rows, bakes) == set()
    assert len(rows) < len({b.tree for b in bakes})
    # Each value of the inert key meets each value of every behaviour key.
    met = {(row[INERT], key, row[key]) for row in rows for key in BEHAVIOUR}
    assert met == {
        (v, key, other) for v in SPACE[INERT] for key in BEHAVIOUR for other in SPACE[key]
    }


def test_the_plan_shrinks_to_the_fewest_rows_where_that_number_is_known():
    """Six yes/no behaviour keys: twelve rows are the fewest that hold every combination of
    values of any three (the covering array number CAN(3, 6, 2) = 12, from Colbourn's tables);
    covertable alone makes thirteen at best over its salts."""
    space = {f"use_{name}": [True, False] for name in "abcdef"}
    bakes = baked(space, set(space))
    rows = plan.make_plan(bakes)

    assert len(rows) == 12
    assert missing(rows, bakes) == set()


def test_a_plan_missing_a_row_misses_tuples(space_plan):
    bakes, rows = space_plan
    assert missing(rows[1:], bakes), "the first row covered nothing of its own"


@pytest.mark.parametrize("change", ["new key", "new choice"])
def test_a_new_key_or_choice_joins_the_plan_by_itself(change: str):
    space = dict(SPACE)
    if change == "new key":
        space["use_new_thing"] = [False, True]
    else:
        first = next(iter(SPACE))
        space[first] = [*SPACE[first], "new-choice"]
    bakes = baked(space, set(space) - {INERT})
    rows = plan.make_plan(bakes)

    assert missing(rows, bakes) == set()
    changed = "use_new_thing" if change == "new key" else next(iter(SPACE))
    assert {row[changed] for row in rows} == set(space[changed])


def test_combinations_the_hook_refuses_are_neither_planned_nor_required():
    first, second = list(BEHAVIOUR)[:2]
    bad = {first: SPACE[first][-1], second: SPACE[second][-1]}

    def refused(options: Options) -> bool:
        return all(options[key] == value for key, value in bad.items())

    bakes = baked(SPACE, BEHAVIOUR, refused)
    rows = plan.make_plan(bakes)

    assert not any(refused(row) for row in rows)
    assert missing(rows, bakes) == set()


def test_plan_rows_vary_the_free_text_answers(space_plan):
    _, rows = space_plan
    names = [row.get("project_name") for row in rows]
    assert names[0] is None
    assert rows[0].keys() >= DEFAULTS.keys()
    assert {"Blog", "Zulu Chat", "Café Chat!", "my-project.io"} <= set(names)
