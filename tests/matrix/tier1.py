"""Tier 1 over a batch of bakes: every static check, with problems reported per combination."""

import math
from collections.abc import Callable
from pathlib import Path

from matrix import checks
from matrix.bake import Baked, bake_command
from matrix.options import TEMPLATE, Options, label

# Relative path -> whether the options should have produced it.
Expectations = Callable[[Options, str], dict[str, bool]]
# Combinations per test: large enough that one ruff call covers many trees, small enough that
# xdist keeps both cores busy until the end.
CHUNK = 64


def chunks(combinations: int) -> range:
    return range(math.ceil(combinations / CHUNK))


def misplaced(root: Path, options: Options, expected: Expectations) -> list[str]:
    problems = []
    for relative, present in expected(options, root.name).items():
        if (root / relative).exists() != present:
            problems.append(f"{relative}: {'missing' if present else 'should not exist'}")
    return problems


def problems(batch: list[Baked], expected: Expectations) -> dict[int, list[str]]:
    """Problems per combination index; a combination without problems is absent."""
    found: dict[int, list[str]] = {}
    trees: dict[Path, Baked] = {}
    for baked in batch:
        if baked.error:
            found[baked.index] = [f"bake failed: {baked.error}"]
            continue
        root = Path(baked.path)
        trees[root] = baked
        tree_problems = [
            *checks.unrendered(root),
            *checks.empty(root),
            *checks.uncompilable(root),
            *checks.unparsable(root),
            *misplaced(root, baked.options, expected),
        ]
        if tree_problems:
            found[baked.index] = tree_problems
    for root, ruff_problems in checks.ruff(trees).items():
        if ruff_problems:
            found.setdefault(trees[root].index, []).extend(ruff_problems)
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
        for baked in members:
            tree = f"tree {baked.tree[:12]}" if baked.tree else "no tree"
            lines.append(f"  #{baked.index} ({tree}): {label(baked.options)}")
        lines.extend(f"    {problem}" for problem in problems_)
        lines.append(f"    reproduce: {bake_command(members[0].options, template)}")
    return "\n".join(lines)
