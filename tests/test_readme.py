"""The README's prompt table says what cookiecutter.json asks; its commands are the real ones."""

import re

from matrix.options import COOKIECUTTER_JSON, SPACE, TEMPLATE, format_value

README = (TEMPLATE / "README.md").read_text()
ROW = re.compile(r"^\| `(\w+)` \| (.+?) \| (.+?) \| (.+?) \|$", re.MULTILINE)


def test_prompt_table_matches_cookiecutter_json():
    rows = {key: rest for key, *rest in ROW.findall(README)}
    keys = [key for key in COOKIECUTTER_JSON if not key.startswith("_")]
    assert list(rows) == keys
    for key, (prompt, default, choices) in rows.items():
        label = COOKIECUTTER_JSON["__prompts__"][key]
        assert prompt == (label["__prompt__"] if isinstance(label, dict) else label)
        if key in SPACE:
            assert default == f"`{format_value(SPACE[key][0])}`"
            assert set(choices.split(", ")) == {f"`{format_value(value)}`" for value in SPACE[key]}


def test_readme_gives_the_commands_that_exist():
    assert "cookiecutter --no-input ." in README
    assert "bash scripts/test.sh" in README
    assert 'bash scripts/test.sh -m "not matrix"' in README
    assert (TEMPLATE / ".ci" / "run").read_text().strip() == "bash scripts/test.sh"
