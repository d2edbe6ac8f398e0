"""Compiled bytecode shared by the session's virtualenvs.

uv hard-links the same package files into every tree's virtualenv, and each tree's first Python
process would compile them all again (2.5 to 4 s of CPU per tree). Instead, each package
directory's __pycache__ is a link into a store kept for the session, under the distribution that
owns the directory (name and version): the first tree to import a module writes its .pyc there,
atomically as Python always does, and the others read it. Python still checks each .pyc against
its source's mtime and size, which hard links share; a mismatch costs a recompile, never a
stale module.
"""

import csv
from pathlib import Path


def share(venv: Path, store: Path) -> int:
    """Link each package directory of the virtualenv to its place in the store; the count."""
    linked = 0
    for site_packages in venv.glob("lib/python*/site-packages"):
        for directory, owner in _owned_directories(site_packages).items():
            shared = store / owner / directory / "__pycache__"
            shared.mkdir(parents=True, exist_ok=True)
            local = site_packages / directory / "__pycache__"
            if not local.exists():
                local.symlink_to(shared, target_is_directory=True)
                linked += 1
    return linked


def _owned_directories(site_packages: Path) -> dict[Path, str]:
    """Directories holding .py files of exactly one distribution ("name-version"): a directory
    that two distributions share (site-packages itself, namespace packages) stays local."""
    owners: dict[Path, set[str]] = {}
    for record in site_packages.glob("*.dist-info/RECORD"):
        owner = record.parent.name.removesuffix(".dist-info")
        with record.open(newline="") as rows:
            for row in csv.reader(rows):
                path = Path(row[0]) if row else None
                if path and path.suffix == ".py" and ".." not in path.parts and len(path.parts) > 1:
                    owners.setdefault(path.parent, set()).add(owner)
    return {directory: names.pop() for directory, names in owners.items() if len(names) == 1}
