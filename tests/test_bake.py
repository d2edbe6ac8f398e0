"""The matrix's bakes are cookiecutter's own, byte for byte.

To bake thousands of combinations fast, matrix.bake reuses what cookiecutter would redo in every
bake (compiled templates, template sources, the config file, compiled hook scripts, template
globals) and runs the hooks in-process. None of that may change a file, a mode or a refusal.
"""

from pathlib import Path

from matrix import session
from matrix.bake import bake_many
from matrix.options import DEFAULTS, SPACE
from matrix.plan import TEXTS
from matrix.tree import read

# The defaults; every option at its last choice; non-ASCII free text.
COMBINATIONS = [
    DEFAULTS,
    DEFAULTS | {key: values[-1] for key, values in SPACE.items()},
    DEFAULTS | TEXTS[3],
]


def without_secrets(root: Path) -> dict[str, tuple[bytes, bool]]:
    """The tree's files, modes and bytes; .env's values aside (each bake draws fresh secrets)."""
    files = read(root)
    data, executable = files[".env"]
    names = b"\n".join(line.partition(b"=")[0] for line in data.splitlines())
    return files | {".env": (names, executable)}


def test_a_bake_is_byte_for_byte_cookiecutters_own(bake, tmp_path):
    # Twice over, so that the second bake of a process meets what the first one left behind.
    jobs = list(enumerate(COMBINATIONS * 2))
    baked = bake_many(jobs, tmp_path / "matrix", session.cookiecutter_config())

    for made in baked:
        own = bake(**COMBINATIONS[made.index % len(COMBINATIONS)])
        assert own.exit_code == 0, own.exception
        assert made.error is None, made.error
        assert without_secrets(Path(made.path)) == without_secrets(own.project_path)


def test_a_refusal_is_cookiecutters_own(bake, tmp_path):
    refused = DEFAULTS | {"project_name": "123"}

    [made] = bake_many([(0, refused)], tmp_path / "matrix", session.cookiecutter_config())
    own = bake(**refused)

    assert own.exit_code != 0
    assert made.error == f"{type(own.exception).__name__}: {own.exception}"
    assert not any((tmp_path / "matrix" / "0").iterdir())
