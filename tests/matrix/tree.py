"""A baked project's files by content, and the hash of those that can change how it behaves.

Combinations whose trees hash alike are one tree for tier 2's exhaustive mode: installing and
testing them twice would prove nothing new. Files that no test runs (license, CI and container
files, docs), pyproject metadata and the variables of .env.example that the project never names
are left out; any other file, including a new kind, counts by default.
"""

import functools
import hashlib
import json
import os
import tomllib
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
# The environment the settings read, by example: it counts by the variables the project names.
ENV_EXAMPLE = ".env.example"


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


def tree_hash(
    root: Path,
    files: dict[str, File] | None = None,
    contents: dict[str, tuple[bytes, bool]] | None = None,
) -> str:
    """The hash over behaviour files; `files` (from digest) and `contents` (from read) spare
    reading and hashing them again."""
    contents = contents if contents is not None else read(root)
    files = files if files is not None else digest(root, contents)
    kept = [relative for relative in files if relative.split("/", 1)[0] not in IGNORED]
    hashed = hashlib.sha256()
    for relative in kept:
        if relative == "pyproject.toml":
            sha = hashlib.sha256(_without_metadata(contents[relative][0].decode())).digest()
        elif relative == ENV_EXAMPLE:
            others = b"\0".join(contents[other][0] for other in kept if other != relative)
            sha = hashlib.sha256(_named_variables(contents[relative][0], others)).digest()
        else:
            sha = bytes.fromhex(files[relative].sha)
        hashed.update(f"{relative}\0{files[relative].executable}\0".encode())
        hashed.update(sha)
    return hashed.hexdigest()


@functools.cache
def _without_metadata(text: str) -> bytes:
    data = tomllib.loads(text)
    for key in METADATA:
        data.get("project", {}).pop(key, None)
    return json.dumps(data, sort_keys=True).encode()


def _named_variables(example: bytes, others: bytes) -> bytes:
    """The assignments of .env.example whose variable some other behaviour file names: a
    comment, or a variable that only container files read (compose.yaml's database password),
    cannot change what the project does."""
    return b"\n".join(
        line
        for line in example.splitlines()
        if not line.startswith(b"#")
        and (name := line.partition(b"=")[0].strip())
        and name in others
    )
