"""The result cache: what its keys cover, when it is off, and when a cached tier 1 is refused."""

import dataclasses
from pathlib import Path

import pytest

from matrix import cache, manifest, session
from matrix.bake import Baked, bake_many
from matrix.options import DEFAULTS


def test_the_tier1_key_follows_the_template_the_tests_and_the_selection(tmp_path):
    template = cache.copy_template(tmp_path / "template")
    key = cache.template_key([DEFAULTS], template)

    assert cache.template_key([DEFAULTS], cache.copy_template(tmp_path / "clone")) == key
    assert cache.template_key([DEFAULTS, DEFAULTS | {"use_redis": True}], template) != key
    for changed in ("{{cookiecutter.project_slug}}/manage.py", "hooks/pre_gen_project.py",
                    "tests/expected_files.py", "cookiecutter.json"):  # fmt: skip
        with (template / changed).open("a") as file:
            file.write("\n")
        assert cache.template_key([DEFAULTS], template) != key, changed
        key = cache.template_key([DEFAULTS], template)


@pytest.mark.parametrize("variable", ["MATRIX_CACHE=0", "CI=true"])
def test_the_persistent_cache_can_be_turned_off(monkeypatch, variable):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("MATRIX_CACHE", raising=False)
    assert cache.dirs("tier2") == [session.directory() / "tier2", cache.ROOT / "tier2"]

    monkeypatch.setenv(*variable.split("="))
    assert cache.dirs("tier2") == [session.directory() / "tier2"]


def test_a_cached_manifest_is_used_only_while_its_tree_hashes_hold(tmp_path):
    combos = [(0, DEFAULTS), (1, DEFAULTS | {"open_source_license": "BSD-3-Clause"})]
    baked = bake_many(combos, tmp_path / "first", session.cookiecutter_config())
    assert baked[0].tree == baked[1].tree  # the license does not change behaviour

    again = manifest.rebake_one_per_tree(baked, tmp_path / "again")
    assert [b.tree for b in again] == [b.tree for b in baked]
    assert Path(again[0].path).is_relative_to(tmp_path / "again")
    assert again[1].path is None  # same tree: not baked again

    stale = [dataclasses.replace(baked[0], tree="0" * 64), baked[1]]
    assert manifest.rebake_one_per_tree(stale, tmp_path / "stale") is None


def test_a_cached_manifest_serves_the_plan_only_while_its_rows_bake_the_cached_trees():
    cached = [
        Baked(0, DEFAULTS, None, "a" * 64, None),
        Baked(1, DEFAULTS | {"use_redis": True}, None, "b" * 64, None),
    ]
    row = dataclasses.replace(cached[1], path="/plan/1")
    named = Baked(2, DEFAULTS | {"project_name": "Blog"}, "/plan/2", "c" * 64, None)

    assert manifest.trees_hold(cached, [row, named])  # a renamed row has no cached tree to match
    assert not manifest.trees_hold(cached, [dataclasses.replace(row, tree="d" * 64), named])
