"""The option space, read from cookiecutter.json so that a new choice joins the matrix by itself."""

import itertools
import json
import os
import shlex
from collections.abc import Iterator
from pathlib import Path

Options = dict[str, str | bool]

TEMPLATE = Path(__file__).resolve().parents[2]
COOKIECUTTER_JSON = json.loads((TEMPLATE / "cookiecutter.json").read_text())

# Choice keys (lists) and boolean keys, in cookiecutter.json's order; first choice = default.
SPACE: dict[str, list[str | bool]] = {
    key: (value if isinstance(value, list) else [value, not value])
    for key, value in COOKIECUTTER_JSON.items()
    if not key.startswith("_") and isinstance(value, list | bool)
}
DEFAULTS: Options = {key: values[0] for key, values in SPACE.items()}


def check_keys(context: dict[str, object]) -> dict[str, object]:
    """The context unchanged, or an error: cookiecutter silently ignores keys it does not know."""
    unknown = sorted(set(context) - set(COOKIECUTTER_JSON))
    if unknown:
        raise KeyError(f"not in cookiecutter.json: {', '.join(unknown)}")
    return context


def all_combinations() -> Iterator[Options]:
    keys = list(SPACE)
    for values in itertools.product(*SPACE.values()):
        yield dict(zip(keys, values, strict=True))


def selected_combinations() -> list[Options]:
    """Every combination, or those matching MATRIX_ONLY ("key=value key=value", for CI shards)."""
    wanted = [item.split("=", 1) for item in os.environ.get("MATRIX_ONLY", "").split()]
    check_keys(dict(wanted))
    return [
        combo
        for combo in all_combinations()
        if all(format_value(combo[key]) == value for key, value in wanted)
    ]


def tier2_mode() -> str:
    """MATRIX_TIER2: "plan" (the covering plan, the default) or "all" (every distinct tree)."""
    mode = os.environ.get("MATRIX_TIER2", "plan")
    if mode not in ("plan", "all"):
        raise ValueError(f"MATRIX_TIER2={mode!r}: use 'plan' (the default) or 'all'")
    return mode


def format_value(value: str | bool) -> str:
    """How cookiecutter's command line spells a value (it reads "yes"/"no" back as booleans)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def label(options: Options) -> str:
    """The options as cookiecutter's command-line arguments: readable, and pasteable."""
    return " ".join(shlex.quote(f"{key}={format_value(value)}") for key, value in options.items())
