"""Tier 1's checks find each kind of defect they exist for, in the file that has it."""

from pathlib import Path

from matrix import checks
from matrix.tree import digest

GOOD = {
    "app/__init__.py": "",
    "app/views.py": "VALUE = 1\n",
    "pyproject.toml": '[project]\nname = "app"\n',
    "compose.yaml": "services:\n  web:\n    image: app\n",
    ".gitlab-ci.yml": "test:\n  script: !reference [.setup, script]\n",
    "data.json": '{"a": 1}\n',
    "README.md": "# App\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```sh\n| not a table\n```\n",
}


def tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def check(root: Path, staging: Path) -> list[str]:
    checker = checks.TreeChecks(staging)
    problems, staged = checker.check(root, digest(root), {}, None)
    return problems + checks.ruff_problems(staged, checks.ruff_findings(staging), staging)


def test_a_clean_tree_has_no_problems(tmp_path):
    assert check(tree(tmp_path / "app", GOOD), tmp_path / "staging") == []


def test_each_defect_is_named_with_its_file(tmp_path):
    # The clean tree first: a defect must not hide behind a remembered verdict on other bytes.
    assert check(tree(tmp_path / "clean", GOOD), tmp_path / "staging-clean") == []
    broken = tree(
        tmp_path / "broken",
        GOOD
        | {
            "app/views.py": "VALUE = (\n",
            "app/settings.py": "NAME = '{{ cookiecutter.project_slug }}'\n",
            "app/models.py": "import sys\nimport os\n",
            "app/empty.txt": "",
            "compose.yaml": "services: [web\n",
            "pyproject.toml": '[project]\nname = "app"\n[tool.ruff]\n',
            "data.json": "{,}\n",
            "README.md": "| a | b |\n|---|---|\n| 1 |\n\nSplit.\n| 2 | 3 |\n",
        },
    )
    (broken / "app" / "nothing").mkdir()

    found = check(broken, tmp_path / "staging-broken")

    assert "app/views.py:1: '(' was never closed" in found
    assert [p for p in found if "unrendered" in p] == [
        "app/settings.py:1: unrendered template syntax: NAME = '{{ cookiecutter.project_slug }}'"
    ]
    assert "app/empty.txt: empty file" in found
    assert "app/nothing/: empty directory" in found
    assert {p.split(":")[0] for p in found if "does not parse" in p} == {
        "compose.yaml",
        "data.json",
    }
    assert "README.md:3: 1 cells in a table of 2 columns" in found
    assert "README.md:6: a table row outside a table (no header and delimiter)" in found
    assert any(p.startswith("app/models.py:1: ruff I001") for p in found)


def test_expected_paths_are_files_or_directories_holding_files():
    files = {"a/b/c.py", "d.txt"}
    expected = {"a": True, "a/b": True, "a/b/c.py": True, "d.txt": True, "e": False, "f": True}
    assert checks.misplaced(files, expected) == ["f: missing"]
    assert checks.misplaced(files, {"d.txt": False}) == ["d.txt: should not exist"]
