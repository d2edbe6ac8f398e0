"""The option space and the guard on the keys that tests pass to cookiecutter."""

import json

import pytest

from matrix.options import COOKIECUTTER_JSON, SPACE, TEMPLATE, check_keys, selected_combinations


def test_space_holds_every_choice_and_boolean_of_cookiecutter_json():
    raw = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    choices = {key for key, value in raw.items() if isinstance(value, list | bool)}
    assert set(SPACE) == choices - {key for key in choices if key.startswith("_")}
    assert all(SPACE[key][0] == (value[0] if isinstance(value, list) else value)
               for key, value in raw.items() if key in SPACE)  # fmt: skip


def test_unknown_context_keys_are_refused():
    with pytest.raises(KeyError, match="use_celery"):
        check_keys({"use_redis": True, "use_celery": True})


def test_matrix_only_narrows_the_matrix(monkeypatch):
    monkeypatch.setenv("MATRIX_ONLY", "django_version=6.1 use_redis=yes")
    combos = selected_combinations()
    assert combos
    assert all(c["django_version"] == "6.1" and c["use_redis"] is True for c in combos)


def test_matrix_only_refuses_unknown_keys(monkeypatch):
    monkeypatch.setenv("MATRIX_ONLY", "python=3.12")
    with pytest.raises(KeyError, match="python"):
        selected_combinations()


def test_prompts_label_every_key():
    prompts = COOKIECUTTER_JSON["__prompts__"]
    assert set(prompts) == {key for key in COOKIECUTTER_JSON if not key.startswith("_")}
