"""The table printed at the end of a session: what the matrix covered and what it cost.

Tests attach facts with record_property; xdist ships them to the controller with each report.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest

from matrix import manifest
from matrix.bake import Baked
from matrix.options import TEMPLATE

# The last run's table, for bench/run.py to quote next to its own figures.
SUMMARY_FILE = TEMPLATE / ".cache" / "matrix" / "summary.txt"


@dataclass
class Tally:
    started: float = field(default_factory=time.perf_counter)
    seconds: Counter = field(default_factory=Counter)
    tests: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    cache_hits: Counter = field(default_factory=Counter)

    def add(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        facts = dict(report.user_properties)
        tier = facts.get("matrix_tier")
        if tier:
            self.seconds[tier] += report.duration
            self.tests[tier] += 1
            self.failed[tier] += report.failed
            self.cache_hits[tier] += facts.get("cache") == "hit"

    def passed_in_full(self, tier: str, tests: int) -> bool:
        return self.tests[tier] == tests and not self.failed[tier]

    def _tier(self, tier: str) -> str:
        return f"{self.seconds[tier]:.0f} s, {self.tests[tier]} tests"

    def _hits(self, tier: str) -> str:
        return f"{self.cache_hits[tier]}/{self.tests[tier]}"

    def print(self, terminal: pytest.TerminalReporter) -> None:
        if not self.tests:
            return
        seconds = manifest.bake_seconds()
        baked = manifest.load() if seconds is not None else []
        on_disk = sum(b.path is not None for b in baked)
        trees = _trees(baked)
        rows = [
            ("combinations", f"{len(baked)}"),
            ("distinct trees", f"{len(trees)}"),
            ("bake (wall)", f"{seconds or 0:.0f} s, {on_disk} baked"),
            ("tier 1 (summed over workers)", self._tier("tier1")),
            ("tier 1 cache hits", self._hits("tier1")),
            ("tier 2 (summed over workers)", self._tier("tier2")),
            ("tier 2 cache hits", self._hits("tier2")),
            ("session (wall)", f"{time.perf_counter() - self.started:.0f} s"),
        ]  # fmt: skip
        width = max(len(name) for name, _ in rows)
        lines = [f"{name:<{width}}  {value}" for name, value in rows]
        lines += ["", "trees (hash: fixed options; combinations sharing it, options that vary):"]
        for tree, members in trees.items():
            fixed, varying = _split(members)
            lines.append(f"{tree[:12]}: {fixed}; {len(members)}, varying {varying or '-'}")
        terminal.section("matrix summary")
        for line in lines:
            terminal.write_line(line)
        SUMMARY_FILE.parent.mkdir(parents=True, exist_ok=True)
        SUMMARY_FILE.write_text("\n".join([time.strftime("%Y-%m-%d %H:%M"), *lines, ""]))


def _trees(baked: list[Baked]) -> dict[str, list[Baked]]:
    trees: dict[str, list[Baked]] = defaultdict(list)
    for item in baked:
        if item.tree:
            trees[item.tree].append(item)
    return trees


def _split(members: list[Baked]) -> tuple[str, str]:
    keys = members[0].options.keys()
    varying = [key for key in keys if len({m.options[key] for m in members}) > 1]
    fixed = " ".join(f"{key}={members[0].options[key]}" for key in keys if key not in varying)
    return fixed, " ".join(varying)


TALLY = Tally()
