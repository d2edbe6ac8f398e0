"""Tier 1's checks find each kind of defect they exist for, in the file that has it."""

from pathlib import Path

from matrix import checks

GOOD = {
    "app/__init__.py": "",
    "app/views.py": "VALUE = 1\n",
    "pyproject.toml": '[project]\nname = "app"\n',
    "compose.yaml": "services:\n  web:\n    image: app\n",
    ".gitlab-ci.yml": "test:\n  script: !reference [.setup, script]\n",
    "data.json": '{"a": 1}\n',
}


def tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_a_clean_tree_has_no_problems(tmp_path):
    root = tree(tmp_path, GOOD)
    assert checks.unrendered(root) == []
    assert checks.empty(root) == []
    assert checks.uncompilable(root) == []
    assert checks.unparsable(root) == []


def test_each_defect_is_named_with_its_file(tmp_path):
    # The clean tree first: a defect must not hide behind a remembered verdict on other bytes.
    clean = tree(tmp_path / "clean", GOOD)
    assert checks.uncompilable(clean) == checks.unparsable(clean) == []
    broken = tree(
        tmp_path / "broken",
        GOOD
        | {
            "app/views.py": "VALUE = (\n",
            "app/settings.py": "NAME = '{{ cookiecutter.project_slug }}'\n",
            "app/empty.txt": "",
            "compose.yaml": "services: [web\n",
            "pyproject.toml": "[project\n",
            "data.json": "{,}\n",
        },
    )
    (broken / "app" / "nothing").mkdir()

    assert checks.uncompilable(broken) == ["app/views.py:1: '(' was never closed"]
    assert [line.split(":")[0] for line in checks.unrendered(broken)] == ["app/settings.py"]
    assert checks.empty(broken) == ["app/empty.txt: empty file", "app/nothing/: empty directory"]
    assert [line.split(":")[0] for line in checks.unparsable(broken)] == [
        "compose.yaml",
        "data.json",
        "pyproject.toml",
    ]
