"""Tier 1: every combination bakes, and its tree is clean, complete and lint-free.

The checks run as each combination is baked (matrix.bake.bake_and_check_many); the tests report
them in chunks, grouped by problem, each group with one command that reproduces it.
"""

import math
import tempfile
from pathlib import Path

from matrix import checks
from matrix.bake import Baked, bake_command
from matrix.checks import Expectations
from matrix.options import TEMPLATE, label
from matrix.tree import digest

# Combinations per test: a test only reads results, so a chunk can be large.
CHUNK = 512


def chunks(combinations: int) -> range:
    return range(math.ceil(combinations / CHUNK))


def problems(batch: list[Baked], expected: Expectations) -> dict[int, list[str]]:
    """Check baked trees on disk now; problems per combination index (absent when none)."""
    found: dict[int, list[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        staging = Path(scratch)
        checker = checks.TreeChecks(staging)
        staged: dict[int, list[str]] = {}
        for baked in batch:
            if baked.error:
                found[baked.index] = [f"bake failed: {baked.error}"]
                continue
            root = Path(baked.path)
            tree_problems, staged[baked.index] = checker.check(
                root, digest(root), baked.options, expected
            )
            if tree_problems:
                found[baked.index] = tree_problems
        findings = checks.ruff_findings(staging)
        for index, paths in staged.items():
            if ruff := checks.ruff_problems(paths, findings, staging):
                found.setdefault(index, []).extend(ruff)
    return found


def recorded(batch: list[Baked]) -> dict[int, list[str]]:
    """The problems found when the batch was baked."""
    found = {}
    for baked in batch:
        if baked.error:
            found[baked.index] = [f"bake failed: {baked.error}"]
        elif baked.problems:
            found[baked.index] = list(baked.problems)
    return found


def report(batch: list[Baked], found: dict[int, list[str]], template: Path = TEMPLATE) -> str:
    """Combinations with the same problems are reported together, with one command to reproduce."""
    groups: dict[tuple[str, ...], list[Baked]] = {}
    for baked in batch:
        if baked.index in found:
            groups.setdefault(tuple(found[baked.index]), []).append(baked)
    lines = []
    for problems_, members in groups.items():
        lines.append(f"{len(members)} combination(s):")
        for baked in members[:10]:
            tree = f"tree {baked.tree[:12]}" if baked.tree else "no tree"
            lines.append(f"  #{baked.index} ({tree}): {label(baked.options)}")
        if len(members) > 10:
            lines.append(f"  ... and {len(members) - 10} more")
        lines.extend(f"    {problem}" for problem in problems_)
        lines.append(f"    reproduce: {bake_command(members[0].options, template)}")
    return "\n".join(lines)
