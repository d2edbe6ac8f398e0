"""Tier 1's static checks of a baked tree: each returns the problems it found, as sentences."""

import functools
import json
import re
import subprocess
import tomllib
from collections.abc import Iterable
from pathlib import Path

import yaml

JINJA = re.compile(r"\{\{|\{%|\{#")
# Django template syntax shares Jinja's delimiters; only Jinja's own forms betray a missed render.
JINJA_IN_DJANGO_TEMPLATE = re.compile(r"\{[{%#]-|-[}%#]\}|cookiecutter\.")
# GitHub Actions expressions, ${{ ... }}, are meant to stay.
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def unrendered(root: Path) -> list[str]:
    problems = []
    for path in files(root):
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        relative = path.relative_to(root)
        if path.suffix == ".html" and "templates" in relative.parts:
            pattern = JINJA_IN_DJANGO_TEMPLATE
        else:
            pattern = JINJA
            if relative.parts[0] == ".github":
                text = GITHUB_EXPRESSION.sub("", text)
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                problems.append(f"{relative}:{number}: unrendered template syntax: {line.strip()}")
    return problems


def empty(root: Path) -> list[str]:
    """Empty files and directories, except package markers (an empty __init__.py is idiomatic)."""
    problems = []
    for path in sorted(root.rglob("*")):
        if path.is_dir() and not any(path.iterdir()):
            problems.append(f"{path.relative_to(root)}/: empty directory")
        elif path.is_file() and path.stat().st_size == 0 and path.name != "__init__.py":
            problems.append(f"{path.relative_to(root)}: empty file")
    return problems


# Most files are byte-for-byte the same in many combinations, and whether bytes compile or parse
# depends on nothing else: each distinct content is checked once per process.


@functools.cache
def _syntax_error(source: bytes) -> str | None:
    try:
        compile(source, "<baked>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{exc.lineno}: {exc.msg}"
    return None


def uncompilable(root: Path) -> list[str]:
    problems = []
    for path in root.rglob("*.py"):
        if error := _syntax_error(path.read_bytes()):
            problems.append(f"{path.relative_to(root)}:{error}")
    return problems


# libyaml's parser where PyYAML has it (its wheels do): several times the pure-Python one's speed.
class _AnyTagLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loading that accepts CI-specific tags such as GitLab's !reference."""


_AnyTagLoader.add_multi_constructor("!", lambda loader, suffix, node: None)

PARSERS = {
    ".toml": tomllib.loads,
    ".json": json.loads,
    ".yaml": lambda text: list(yaml.load_all(text, _AnyTagLoader)),
    ".yml": lambda text: list(yaml.load_all(text, _AnyTagLoader)),
}


@functools.cache
def _parse_error(suffix: str, text: str) -> str | None:
    try:
        PARSERS[suffix](text)
    except (ValueError, yaml.YAMLError) as exc:
        return str(exc)
    return None


def unparsable(root: Path) -> list[str]:
    problems = []
    for path in files(root):
        if path.suffix in PARSERS and (error := _parse_error(path.suffix, path.read_text())):
            problems.append(f"{path.relative_to(root)}: does not parse: {error}")
    return problems


def ruff(trees: Iterable[Path]) -> dict[Path, list[str]]:
    """ruff check and ruff format --check over many trees in two calls; problems per tree.

    ruff finds each file's own pyproject.toml, so every tree is linted with its own settings.
    """
    trees = list(trees)
    problems: dict[Path, list[str]] = {tree: [] for tree in trees}
    if not trees:
        return problems
    for command in (["check"], ["format", "--check"]):
        # Exit 1: findings; 2 from format: files that do not parse. Both are reported as JSON.
        result = subprocess.run(
            ["ruff", *command, "--no-cache", "--output-format", "json", *map(str, trees)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode not in (0, 1, 2) or not result.stdout.strip():
            raise RuntimeError(f"ruff {' '.join(command)} crashed: {result.stderr}")
        for finding in json.loads(result.stdout):
            path = Path(finding["filename"])
            tree = next(tree for tree in trees if path.is_relative_to(tree))
            where = f"{path.relative_to(tree)}:{finding['location']['row']}"
            problems[tree].append(f"{where}: ruff {finding['code']} {finding['message']}")
    return problems
