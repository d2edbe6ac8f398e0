"""Tier 2's uv: offline from the shared cache once it is filled, online only for what it lacks."""

import os
import stat
from pathlib import Path

import pytest

from matrix import tier2
from matrix.commands import Command
from matrix.userflow import Shell


def fake_uv(directory: Path, cache_has_it: bool) -> Path:
    """A `uv` that records its arguments and UV_OFFLINE, failing offline as uv does on a miss."""
    calls = directory / "calls"
    offline = "exit 0" if cache_has_it else 'echo "not found in the cache" >&2; exit 2'
    script = directory / "uv"
    script.write_text(
        f'#!/bin/sh\necho "$* offline=${{UV_OFFLINE:-}}" >> {calls}\n'
        f'[ -n "$UV_OFFLINE" ] && {{ {offline}; }}\nexit 0\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return calls


@pytest.mark.parametrize(
    ("cache_has_it", "expected"),
    [
        (True, ["sync offline=1"]),
        (False, ["sync offline=1", "sync offline="]),
    ],
)
def test_uv_goes_online_only_when_the_cache_lacks_something(
    tmp_path: Path, cache_has_it: bool, expected: list[str]
) -> None:
    calls = fake_uv(tmp_path, cache_has_it)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    shell = Shell(tmp_path, env, {}, tmp_path / "logs")

    assert tier2.run_one(shell, Command("README.md, Tests", "uv sync"))
    assert calls.read_text().splitlines() == expected
    assert [ran.status for ran in shell.ran] == ["passed"]
    assert "UV_OFFLINE" not in shell.env, "the offline attempt's variable outlived it"
