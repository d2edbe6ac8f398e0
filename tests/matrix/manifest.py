"""Every selected combination baked and checked once per session, and tier 2's plan baked.

Tier 2 is parametrized by plan row (or by distinct tree), so collection needs the bakes, and
they serve tier 1 too: whichever process collects the matrix first bakes and checks every
combination (a file lock keeps the others waiting), then bakes the plan's rows, and writes the
manifest to the session's dir.

When a previous session baked the same template with the same tools and tier 1 passed, the
manifest comes from the cache. Its tree hashes must still hold: for the covering plan, each plan
row with the default free text must have the tree the cache has for its options (those rows are
baked anyway); for the exhaustive tier 2, one combination per distinct tree is baked again (its
run needs the bake) and must have its cached tree.
"""

import dataclasses
import fcntl
import functools
import json
import time
from pathlib import Path

from matrix import cache, plan, session
from matrix.bake import Baked, bake_and_check_many, bake_many
from matrix.options import selected_combinations, tier2_mode
from matrix.userflow import scratch

KIND = "tier1"
EXPECTED = "expected_files:expected_paths"


def _path() -> Path:
    return session.directory() / "manifest.json"


def load() -> list[Baked]:
    """Every selected combination, in order, with its tree and tier 1's problems."""
    return [Baked(**b) for b in _written()["baked"]]


def plan_rows() -> list[Baked]:
    """Tier 2's plan: full combinations (free text included), each baked and checked."""
    return [Baked(**b) for b in _written()["plan"]]


def behaviour_keys() -> list[str]:
    return _written()["behaviour_keys"]


def _ensure() -> None:
    with (session.directory() / "manifest.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _path().exists():
            _path().write_text(json.dumps(_bake()))


@functools.cache
def _written() -> dict:
    """The session's manifest: written once, then only read (by every test)."""
    _ensure()
    return json.loads(_path().read_text())


def _bake() -> dict:
    started = time.perf_counter()
    combinations = selected_combinations()
    key = cache.template_key(combinations)
    cached = cache.lookup(KIND, key)
    baked = None
    if cached is not None:
        baked = [Baked(**b) for b in cached["baked"]]
        if tier2_mode() == "all":
            baked = rebake_one_per_tree(baked, _trees())
    if baked is not None:
        bake_seconds = time.perf_counter() - started
        planned = _bake_plan(baked)
        if trees_hold(baked, planned):
            return _record(key, True, baked, planned, started, bake_seconds)
        started = time.perf_counter()
    jobs = list(enumerate(combinations))
    baked = bake_and_check_many(jobs, _trees(), session.cookiecutter_config(), EXPECTED)
    bake_seconds = time.perf_counter() - started
    return _record(key, False, baked, _bake_plan(baked), started, bake_seconds)


def _bake_plan(baked: list[Baked]) -> list[Baked]:
    rows = plan.make_plan(baked)
    plan_root = scratch(session.scratch() / "plan", "")
    planned = bake_and_check_many(
        list(enumerate(rows)), plan_root, session.cookiecutter_config(), EXPECTED
    )
    # A plan row's bake stays on disk even when its tree repeats: tier 2 runs each row.
    return [dataclasses.replace(b, path=b.path or _rebake(b, plan_root)) for b in planned]


def _record(
    key: str, from_cache: bool, baked: list[Baked], planned: list[Baked], started: float,
    bake_seconds: float,
) -> dict:  # fmt: skip
    return {
        "key": key,
        "cached": from_cache,
        "seconds": bake_seconds,
        "plan_seconds": time.perf_counter() - started - bake_seconds,
        "baked": [dataclasses.asdict(b) for b in baked],
        "plan": [dataclasses.asdict(b) for b in planned],
        "behaviour_keys": plan.behaviour_keys(baked),
    }


def trees_hold(baked: list[Baked], planned: list[Baked]) -> bool:
    """Whether every plan row that is one of the combinations (its free text the defaults) baked
    the tree the manifest has for that combination."""
    trees = {json.dumps(b.options, sort_keys=True): b.tree for b in baked}
    return all(
        trees[found] == row.tree
        for row in planned
        if (found := json.dumps(row.options, sort_keys=True)) in trees
    )


def _rebake(baked: Baked, root: Path) -> str:
    [again] = bake_many(
        [(baked.index, baked.options)], root / "again", session.cookiecutter_config()
    )
    return again.path


def rebake_one_per_tree(baked: list[Baked], root: Path) -> list[Baked] | None:
    """A cached manifest with each tree's first combination baked again under root; None when a
    tree hash differs (the cache no longer describes what the template bakes)."""
    first = {b.tree: b for b in reversed(baked) if b.tree}
    jobs = [(b.index, b.options) for b in first.values()]
    fresh = {b.index: b for b in bake_many(jobs, root, session.cookiecutter_config())}
    if any(fresh[b.index].tree != b.tree for b in first.values()):
        return None
    return [fresh.get(b.index, dataclasses.replace(b, path=None)) for b in baked]


def _trees() -> Path:
    return session.scratch() / "trees"


def record_passed() -> None:
    """Keep this session's manifest for the next one: called once tier 1 passed in full."""
    record = _written()
    if not record["cached"]:
        baked = [{**b, "path": None} for b in record["baked"]]
        cache.record(KIND, record["key"], {"baked": baked})


def is_cached() -> bool:
    return _written()["cached"]


def written() -> bool:
    return _path().exists()


def seconds() -> tuple[float, float]:
    """Baking and checking every combination, and baking and checking the plan's rows."""
    record = _written()
    return record["seconds"], record["plan_seconds"]
