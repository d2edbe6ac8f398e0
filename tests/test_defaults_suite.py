"""The default bake installs from its own pyproject.toml and passes its own checks and tests.

The quick subset's taste of tier 2; the matrix runs the same for every distinct tree (and this
session's result cache keeps the default tree from running twice).
"""

from matrix import tier2
from matrix.bake import Baked
from matrix.options import DEFAULTS
from matrix.tree import tree_hash


def test_defaults_pass_their_own_suite(bake):
    project = bake().project_path
    baked = Baked(0, DEFAULTS, str(project), tree_hash(project), None)
    # Slot 0: the defaults are the matrix's first combination, so its first tree.
    outcome = tier2.verify(baked, slot=0)
    assert not outcome.failures, tier2.report([baked], outcome, slot=0)
