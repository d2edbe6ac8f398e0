"""The default bake passes what its user runs: its README's commands and its CI steps.

The quick subset's taste of tier 2; the matrix runs the same for every row of its plan (and this
session's result cache keeps the default tree from running twice).
"""

from matrix import tier2
from matrix.bake import Baked
from matrix.options import DEFAULTS
from matrix.tree import tree_hash


def test_defaults_pass_what_their_user_runs(bake):
    project = bake().project_path
    baked = Baked(0, DEFAULTS, str(project), tree_hash(project), None)
    # Slot 0: the defaults are the plan's first row.
    outcome = tier2.verify(baked, slot=0)
    assert not outcome.failures, tier2.report([baked], outcome)
    if outcome.cache_hit:
        return  # the matrix's first row, or an earlier run, passed this very tree: nothing ran
    passed = [ran.command.text for ran in outcome.ran if ran.status == "passed"]
    assert "uv run pytest" in passed
