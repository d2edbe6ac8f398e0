"""Every selected combination baked once per session, shared by the controller and its workers.

Tier 2 is parametrized by distinct tree, so collection needs the tree hashes, and the same bakes
then serve tier 1: whichever process collects the matrix first bakes it (a file lock keeps the
others waiting) and writes the manifest to the session's dir.

When a previous session baked the same template with the same tools and tier 1 passed, the
manifest comes from the cache: only one combination per distinct tree is baked again (tier 2
installs from it), and its tree hash must still match the cached one.
"""

import dataclasses
import fcntl
import functools
import json
import time
from pathlib import Path

from matrix import cache, session
from matrix.bake import Baked, bake_many
from matrix.options import selected_combinations

KIND = "tier1"


def _path() -> Path:
    return session.directory() / "manifest.json"


def load() -> list[Baked]:
    with (session.directory() / "manifest.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _path().exists():
            _path().write_text(json.dumps(_bake()))
    return [Baked(**b) for b in _written()["baked"]]


@functools.cache
def _written() -> dict:
    """The session's manifest, once it exists: written once, then only read (by every test)."""
    return json.loads(_path().read_text())


def _bake() -> dict:
    started = time.perf_counter()
    combinations = selected_combinations()
    key = cache.template_key(combinations)
    cached = cache.lookup(KIND, key)
    if cached is not None:
        baked = rebake_one_per_tree([Baked(**b) for b in cached["baked"]], _trees())
        if baked is not None:
            return _record(baked, key, started, cached=True)
    baked = bake_many(list(enumerate(combinations)), _trees(), session.cookiecutter_config())
    return _record(baked, key, started, cached=False)


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
    return session.directory() / "trees"


def _record(baked: list[Baked], key: str, started: float, *, cached: bool) -> dict:
    return {
        "key": key,
        "cached": cached,
        "seconds": time.perf_counter() - started,
        "baked": [dataclasses.asdict(b) for b in baked],
    }


def record_passed() -> None:
    """Keep this session's manifest for the next one: called once tier 1 passed in full."""
    record = _written()
    if not record["cached"]:
        cache.record(KIND, record["key"], {"baked": record["baked"]})


def is_cached() -> bool:
    return _written()["cached"]


def bake_seconds() -> float | None:
    return _written()["seconds"] if _path().exists() else None
