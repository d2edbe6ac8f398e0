"""Tier 1's static checks of baked trees: each returns the problems it found, as sentences.

Most files are byte-for-byte the same in many combinations, and whether bytes compile, parse or
hold unrendered Jinja depends on nothing else: `TreeChecks` checks each distinct content once
per process. Ruff depends on the file's path and on the project's ruff settings too: each
distinct (settings, path, content) is copied once into a staging tree, and one ruff run over
the staging tree checks them all (`ruff_findings`).
"""

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from matrix.tree import File

# The suite's own ruff: beside its Python, else on PATH.
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
JINJA = re.compile(r"\{\{|\{%|\{#")
# Django template syntax shares Jinja's delimiters; only Jinja's own forms betray a missed render.
JINJA_IN_DJANGO_TEMPLATE = re.compile(r"\{[{%#]-|-[}%#]\}|cookiecutter\.")
# GitHub Actions expressions, ${{ ... }}, are meant to stay.
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")

# Relative path -> whether the options should have produced it.
Expectations = Callable[[dict, str], dict[str, bool]]


def _text(data: bytes) -> str | None:
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


@functools.cache
def _unrendered(kind: str, data: bytes) -> tuple[tuple[int, str], ...]:
    text = _text(data)
    if text is None:
        return ()
    pattern = JINJA_IN_DJANGO_TEMPLATE if kind == "django-template" else JINJA
    if kind == "github":
        text = GITHUB_EXPRESSION.sub("", text)
    return tuple(
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), 1)
        if pattern.search(line)
    )


@functools.cache
def _syntax_error(source: bytes) -> str | None:
    try:
        compile(source, "<baked>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{exc.lineno}: {exc.msg}"
    return None


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
def _parse_error(suffix: str, data: bytes) -> str | None:
    try:
        PARSERS[suffix](data.decode())
    except (ValueError, yaml.YAMLError) as exc:
        return str(exc)
    return None


TABLE_DELIMITER = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str) -> int:
    inner = line.strip().removeprefix("|").removesuffix("|")
    return len(re.split(r"(?<!\\)\|", inner))


@functools.cache
def _table_problems(data: bytes) -> tuple[str, ...]:
    """Markdown tables that would not render: a row outside a table (a paragraph or a blank line
    split it), a table without its delimiter row, a row with another number of cells."""
    problems = []
    lines = data.decode().splitlines()
    in_code, columns = False, None
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            columns = None
            continue
        if in_code or not line.lstrip().startswith("|"):
            columns = None
            continue
        if columns is None:
            following = lines[number] if number < len(lines) else ""
            if not TABLE_DELIMITER.match(following.strip()):
                problems.append(f"{number}: a table row outside a table (no header and delimiter)")
                continue
            columns = _cells(line)
        elif _cells(line) != columns:
            problems.append(f"{number}: {_cells(line)} cells in a table of {columns} columns")
    return tuple(problems)


def _kind(relative: str) -> str:
    parts = relative.split("/")
    # Pages (.html) and mails (.txt) alike.
    if relative.endswith((".html", ".txt")) and "templates" in parts:
        return "django-template"
    return "github" if parts[0] == ".github" else "plain"


@functools.cache
def _ruff_settings(pyproject: bytes) -> str:
    """What of a pyproject.toml ruff reads: its own table and the Python it targets."""
    data = tomllib.loads(pyproject.decode())
    relevant = [data.get("tool", {}).get("ruff"), data.get("project", {}).get("requires-python")]
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


class TreeChecks:
    """Checks baked trees; ruff's inputs are staged under `staging` for one later ruff run."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging / str(os.getpid())
        self.staged: dict[tuple[str, str, str], str] = {}  # (settings, path, sha) -> staged path
        self.buckets: dict[tuple[str, str], int] = {}  # (settings, path) -> buckets used

    def check(
        self,
        root: Path,
        files: dict[str, File],
        options: dict,
        expected: Expectations | None,
        read: dict[str, tuple[bytes, bool]] | None = None,
    ) -> tuple[list[str], list[str]]:
        """This tree's problems, and the staged paths of its Python files for ruff; `read` holds
        the files' bytes when they were read already."""
        problems = [f"{d.relative_to(root)}/: empty directory" for d in _empty_directories(root)]
        if read is not None:
            contents = {relative: data for relative, (data, _) in read.items()}
        else:
            contents = {relative: (root / relative).read_bytes() for relative in files}
        for relative, data in contents.items():
            problems += self._file_problems(relative, data)
        if expected is not None:
            problems += misplaced(set(files), expected(options, _slug(root)))
        settings = _ruff_settings(contents["pyproject.toml"]) if "pyproject.toml" in files else ""
        staged = [
            self._stage(settings, relative, files[relative].sha, data, contents["pyproject.toml"])
            for relative, data in contents.items()
            if relative.endswith(".py") and settings
        ]
        return problems, staged

    def _file_problems(self, relative: str, data: bytes) -> list[str]:
        problems = [f"{relative}:{n}: unrendered template syntax: {line}"
                    for n, line in _unrendered(_kind(relative), data)]  # fmt: skip
        name = relative.rsplit("/", 1)[-1]
        if not data and name != "__init__.py":  # an empty __init__.py is idiomatic
            problems.append(f"{relative}: empty file")
        suffix = os.path.splitext(name)[1]
        if suffix == ".py" and (error := _syntax_error(data)):
            problems.append(f"{relative}:{error}")
        if suffix in PARSERS and (error := _parse_error(suffix, data)):
            problems.append(f"{relative}: does not parse: {error}")
        if suffix == ".md":
            problems += [f"{relative}:{problem}" for problem in _table_problems(data)]
        return problems

    def _stage(self, settings: str, relative: str, sha: str, data: bytes, pyproject: bytes) -> str:
        key = (settings, relative, sha)
        if key not in self.staged:
            bucket = self.buckets.get((settings, relative), 0)
            self.buckets[(settings, relative)] = bucket + 1
            bucket_root = self.staging / settings / str(bucket)
            target = bucket_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            if not (bucket_root / "pyproject.toml").exists():
                (bucket_root / "pyproject.toml").write_bytes(pyproject)
            self.staged[key] = str(target)
        return self.staged[key]


def _slug(root: Path) -> str:
    return root.name


def _empty_directories(root: Path) -> list[Path]:
    return [Path(d) for d, subdirs, names in os.walk(root) if not subdirs and not names]


def misplaced(files: set[str], expected: dict[str, bool]) -> list[str]:
    """A path is there when it is a file, or a directory holding files."""
    present = set(files)
    for relative in files:
        parts = relative.split("/")
        present.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return [
        f"{relative}: {'missing' if wanted else 'should not exist'}"
        for relative, wanted in expected.items()
        if (relative in present) != wanted
    ]


def ruff_findings(staging: Path) -> dict[str, list[str]]:
    """ruff check and ruff format --check over everything staged, in two runs: findings by
    staged path, each as "<line>: ruff <code> <message>".

    ruff finds each bucket's pyproject.toml, so every file is linted with its own settings.
    """
    findings: dict[str, list[str]] = {}
    if not staging.exists():
        return findings
    for command in (["check"], ["format", "--check"]):
        # Exit 1: findings; 2 from format: files that do not parse. Both are reported as JSON.
        result = subprocess.run(
            [RUFF, *command, "--no-cache", "--output-format", "json", str(staging)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode not in (0, 1, 2) or not result.stdout.strip():
            raise RuntimeError(f"ruff {' '.join(command)} crashed: {result.stderr}")
        for finding in json.loads(result.stdout):
            where = finding["location"]["row"] if finding.get("location") else 1
            message = f"{where}: ruff {finding['code'] or 'format'} {finding['message']}"
            findings.setdefault(finding["filename"], []).append(message)
    return findings


def ruff_problems(
    staged: Iterable[str], findings: dict[str, list[str]], staging: Path
) -> list[str]:
    """One tree's ruff problems, named by the tree's own relative paths."""
    problems = []
    for path in staged:
        for message in findings.get(path, []):
            # staging/<pid>/<settings>/<bucket>/<relative path>
            relative = Path(path).relative_to(staging).parts[3:]
            problems.append(f"{'/'.join(relative)}:{message}")
    return problems


def clear(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
