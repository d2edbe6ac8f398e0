"""Tier 2's virtualenvs share compiled bytecode: one tree compiles a package, the others read it."""

import os
import subprocess
import sys
from pathlib import Path

from matrix import bytecode

SITE = "lib/python3/site-packages"
# Distribution -> its .py files; "ns" is a namespace package that two distributions share.
DISTRIBUTIONS = {
    "pkg-1.0": ["pkg/__init__.py", "pkg/mod.py"],
    "a-1.0": ["ns/a.py"],
    "b-1.0": ["ns/b.py"],
    "top-1.0": ["top.py"],
}


def make_venv(root: Path, sources: Path) -> Path:
    """A virtualenv's site-packages whose files are hard links, as uv installs them."""
    site = root / SITE
    for dist, files in DISTRIBUTIONS.items():
        info = site / f"{dist}.dist-info"
        info.mkdir(parents=True)
        (info / "RECORD").write_text("".join(f"{name},,\n" for name in files))
        for name in files:
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(sources / name, site / name)
    return root


def imports(venv: Path, module: str) -> str:
    """Python's verbose import log for `module`, imported from this virtualenv's packages."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(venv / SITE)
    result = subprocess.run(
        [sys.executable, "-v", "-c", f"import {module}"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stderr


def test_each_package_directory_compiles_once_for_every_virtualenv(tmp_path: Path):
    sources = tmp_path / "cache"
    for files in DISTRIBUTIONS.values():
        for name in files:
            (sources / name).parent.mkdir(parents=True, exist_ok=True)
            (sources / name).write_text(f"NAME = {name!r}\n")
    first, second = make_venv(tmp_path / "one", sources), make_venv(tmp_path / "two", sources)
    store = tmp_path / "store"

    assert bytecode.share(first, store) == 1
    assert bytecode.share(second, store) == 1

    compiled_first = imports(first, "pkg.mod")
    read = imports(second, "pkg.mod")
    compiled = sorted(path.name for path in (store / "pkg-1.0/pkg/__pycache__").iterdir())
    assert [name.split(".")[0] for name in compiled] == ["__init__", "mod"]
    # Compiled from the source by the first, read from the store's .pyc by the second.
    assert f"# code object from {first / SITE}/pkg/mod.py" in compiled_first
    assert f"# code object from '{second / SITE}/pkg/__pycache__/mod." in read
    # Shared by two distributions, or by every one: each virtualenv keeps its own.
    assert not (first / SITE / "ns/__pycache__").is_symlink()
    assert not (first / SITE / "__pycache__").is_symlink()
