"""Baking through cookiecutter's API, in-process: one combination, or many across a process pool."""

import multiprocessing
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from cookiecutter.main import cookiecutter

from matrix.options import TEMPLATE, Options, check_keys, label
from matrix.tree import tree_hash


def write_config(directory: Path) -> Path:
    """Our own cookiecutter config: the user's ~/.cookiecutterrc and replay dir stay untouched."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "cookiecutterrc.yaml"
    config.write_text(
        f"cookiecutters_dir: {directory / 'cookiecutters'}\nreplay_dir: {directory / 'replay'}\n"
    )
    return config


def bake(options: Options, output_dir: Path, config: Path, template: Path = TEMPLATE) -> Path:
    project = cookiecutter(
        str(template),
        no_input=True,
        extra_context=check_keys(dict(options)),
        output_dir=str(output_dir),
        config_file=str(config),
    )
    return Path(project)


def bake_command(options: Options, template: Path = TEMPLATE) -> str:
    return f"cookiecutter --no-input {shlex.quote(str(template))} -o /tmp/repro {label(options)}"


@dataclass(frozen=True)
class Baked:
    """One combination's bake: its project directory and tree hash, or the error that stopped it."""

    index: int
    options: Options
    path: str | None
    tree: str | None
    error: str | None


def _bake_one(job: tuple[int, Options, str, str, str]) -> Baked:
    index, options, root, config, template = job
    try:
        path = bake(options, Path(root) / str(index), Path(config), Path(template))
    except Exception as exc:
        return Baked(index, options, None, None, f"{type(exc).__name__}: {exc}")
    return Baked(index, options, str(path), tree_hash(path), None)


def bake_many(
    combos: list[Options], root: Path, config: Path, template: Path = TEMPLATE
) -> list[Baked]:
    """Bake every combination under root/<index>/, on every core (spawned: no forked threads)."""
    jobs = [(i, combo, str(root), str(config), str(template)) for i, combo in enumerate(combos)]
    processes = int(os.environ.get("MATRIX_BAKE_JOBS", os.cpu_count() or 1))
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return pool.map(_bake_one, jobs, chunksize=16)
