"""Tier 2's uv: offline from the shared cache once it is filled, online only for what it lacks."""

import os
import stat
from pathlib import Path

import pytest

from matrix import tier2


def fake_uv(directory: Path, cache_has_it: bool) -> Path:
    """A `uv` that records its arguments and, offline, fails as uv does on a cache miss."""
    calls = directory / "calls"
    offline = "exit 0" if cache_has_it else 'echo "not found in the cache" >&2; exit 2'
    script = directory / "uv"
    script.write_text(
        f'#!/bin/sh\necho "$*" >> {calls}\ncase " $* " in *" --offline "*) {offline};; esac\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return calls


@pytest.mark.parametrize(
    ("cache_has_it", "expected"),
    [
        (True, ["lock --python py --offline"]),
        (False, ["lock --python py --offline", "lock --python py"]),
    ],
)
def test_uv_goes_online_only_when_the_cache_lacks_something(
    tmp_path: Path, cache_has_it: bool, expected: list[str]
) -> None:
    calls = fake_uv(tmp_path, cache_has_it)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}

    assert tier2.uv(["lock", "--python", "py"], tmp_path, env) is None
    assert calls.read_text().splitlines() == expected
