"""The table printed at the end of a session: what the matrix covered and what it cost.

Tests attach facts with record_property; xdist ships them to the controller with each report.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest

from matrix import manifest, plan
from matrix.bake import Baked
from matrix.options import TEMPLATE, label, tier2_mode

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
        if not self.tests or not manifest.written():
            return
        bake_seconds, plan_seconds = manifest.seconds()
        baked = manifest.load()
        rows = manifest.plan_rows()
        keys = manifest.behaviour_keys()
        allowed = plan.allowed_tuples(baked, keys)
        covered = plan.tuples((row.options for row in rows), keys) & allowed
        on_disk = sum(b.path is not None for b in baked)
        cached = " (tier 1 from the cache)" if manifest.is_cached() else ""
        trees = _trees(baked)
        rows_text = [
            ("combinations", f"{len(baked)}"),
            ("distinct trees", f"{len(trees)}"),
            ("behaviour options", " ".join(keys)),
            ("plan", f"{len(rows)} rows; {len(covered)} of {len(allowed)} "
                     f"{plan.STRENGTH}-tuples of values covered"),
            ("bake and check (wall)", f"{bake_seconds:.0f} s, {on_disk} trees kept{cached}"),
            ("plan bake and check (wall)", f"{plan_seconds:.0f} s"),
            ("tier 1 (summed over workers)", self._tier("tier1")),
            ("tier 1 cache hits", self._hits("tier1")),
            (f"tier 2, {tier2_mode()} (summed)", self._tier("tier2")),
            ("tier 2 cache hits", self._hits("tier2")),
            ("session (wall)", f"{time.perf_counter() - self.started:.0f} s"),
        ]  # fmt: skip
        width = max(len(name) for name, _ in rows_text)
        lines = [f"{name:<{width}}  {value}" for name, value in rows_text]
        lines += ["", "plan rows (the options tier 2 ran; free text in the test ids' order):"]
        lines += [f"{n:3d}: {label(row.options)}" for n, row in enumerate(rows)]
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


TALLY = Tally()
