"""Tier 2 for every distinct tree: its own virtualenv, Django's checks and its whole test suite."""

import json
import tomllib
from pathlib import Path
from tempfile import mkdtemp

import pytest

from matrix import manifest, session, tier2
from matrix.bake import Baked, bake, write_config
from matrix.options import SPACE, Options, label
from matrix.tree import tree_hash

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


def test_a_tree_tested_without_coverage_has_a_twin_with_the_same_code_that_measures_it(
    tmp_path: Path,
):
    """Tier 2 drops coverage where it costs most (see tier2.steps): fair only while the same
    options on another Django version bake the same code, tests and coverage settings, and that
    tree is measured. Twins outside the selection (a CI shard) are baked here."""
    baked = {options_key(b.options): Path(b.path) for b in manifest.load() if b.path}
    config = write_config(tmp_path / ".cookiecutter")

    def measured_twin(options: Options) -> Path | None:
        for version in SPACE["django_version"]:
            twin = {**options, "django_version": version}
            path = baked.get(options_key(twin)) or bake(twin, Path(mkdtemp(dir=tmp_path)), config)
            if tier2.python_for(path).version >= tier2.SYSMON:
                return path
        return None

    alone = []
    for members in distinct_trees().values():
        project = Path(members[0].path)
        if tier2.python_for(project).version >= tier2.SYSMON:
            continue
        twin = measured_twin(members[0].options)
        if twin is None or code_digest(twin) != code_digest(project):
            alone.append(label(members[0].options))

    assert not alone, (
        "tested without coverage, and no measured twin has the same code:\n" + "\n".join(alone)
    )


def options_key(options: Options) -> str:
    return json.dumps(options, sort_keys=True)


def code_digest(project: Path) -> str:
    """Every file the tests or coverage could see, with only pyproject.toml's test tables."""
    return tree_hash(project, content_seen_by_tests)


def content_seen_by_tests(path: Path, root: Path) -> bytes:
    if path == root / "pyproject.toml":
        tool = tomllib.loads(path.read_text())["tool"]
        return json.dumps([tool["coverage"], tool["pytest"]], sort_keys=True).encode()
    return path.read_bytes()
