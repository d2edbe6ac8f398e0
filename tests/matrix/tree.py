"""A content hash over the files of a baked project that can change how it behaves.

Combinations whose trees hash alike are one tree for tier 2: installing and testing them twice
would prove nothing new. Files that no test runs (license, CI and container files, docs) and
pyproject metadata are left out; any other file, including a new kind, counts by default.
"""

import hashlib
import json
import tomllib
from collections.abc import Callable
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


def behaviour_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).parts[0] not in IGNORED
    )


def behaviour_content(path: Path, root: Path) -> bytes:
    """A file's bytes; pyproject.toml without the keys that only describe the package."""
    if path == root / "pyproject.toml":
        data = tomllib.loads(path.read_text())
        for key in METADATA:
            data.get("project", {}).pop(key, None)
        return json.dumps(data, sort_keys=True).encode()
    return path.read_bytes()


def tree_hash(root: Path, content: Content = behaviour_content) -> str:
    digest = hashlib.sha256()
    for path in behaviour_files(root):
        executable = path.stat().st_mode & 0o111 != 0
        digest.update(f"{path.relative_to(root)}\0{executable}\0".encode())
        digest.update(hashlib.sha256(content(path, root)).digest())
    return digest.hexdigest()
