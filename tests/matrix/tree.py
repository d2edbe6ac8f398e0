"""A baked project's files by content, and the hash of those that can change how it behaves.

Combinations whose trees hash alike are one tree for tier 2's exhaustive mode: installing and
testing them twice would prove nothing new. Files that no test runs (license, CI and container
files, docs) and pyproject metadata are left out; any other file, including a new kind, counts
by default.
"""

import functools
import hashlib
import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Relative paths (or their first component) that cannot change what the project does when run.
IGNORED = frozenset(
    {
        ".env",  # holds the bake's random SECRET_KEY
        ".dockerignore", ".github", ".gitignore", ".gitlab-ci.yml", ".pre-commit-config.yaml",
        "Dockerfile", "LICENSE", "README.md", "compose.yaml",
    }
)  # fmt: skip
# pyproject's [project] keys that only describe the package.
METADATA = ("authors", "description", "license", "license-files", "readme")

# What a file counts as in a hash: (path, root) -> bytes.
Content = Callable[[Path, Path], bytes]


@dataclass(frozen=True)
class File:
    sha: str  # sha256 of the bytes
    executable: bool
    size: int


def read(root: Path) -> dict[str, tuple[bytes, bool]]:
    """Every file under root by relative path: its bytes and whether it is executable."""
    found = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as file:
                executable = os.fstat(file.fileno()).st_mode & 0o111 != 0
                found[os.path.relpath(path, root)] = (file.read(), executable)
    return dict(sorted(found.items()))


def digest(root: Path, contents: dict[str, tuple[bytes, bool]] | None = None) -> dict[str, File]:
    """Every file under root by relative path, from `contents` when it was read already."""
    contents = contents if contents is not None else read(root)
    return {
        relative: File(hashlib.sha256(data).hexdigest(), executable, len(data))
        for relative, (data, executable) in contents.items()
    }


def behaviour_content(path: Path, root: Path) -> bytes:
    """A file's bytes; pyproject.toml without the keys that only describe the package."""
    if path == root / "pyproject.toml":
        return _without_metadata(path.read_text())
    return path.read_bytes()


@functools.cache
def _without_metadata(text: str) -> bytes:
    data = tomllib.loads(text)
    for key in METADATA:
        data.get("project", {}).pop(key, None)
    return json.dumps(data, sort_keys=True).encode()


def tree_hash(root: Path, content: Content = behaviour_content, files: dict | None = None) -> str:
    """The hash over behaviour files; `files` (from digest) spares reading them again."""
    files = files if files is not None else digest(root)
    hashed = hashlib.sha256()
    for relative, file in files.items():
        if relative.split("/", 1)[0] in IGNORED:
            continue
        if content is behaviour_content and relative != "pyproject.toml":
            sha = bytes.fromhex(file.sha)
        else:
            sha = hashlib.sha256(content(root / relative, root)).digest()
        hashed.update(f"{relative}\0{file.executable}\0".encode())
        hashed.update(sha)
    return hashed.hexdigest()
