"""Baking through cookiecutter's API, in-process: one combination, or many across a process pool."""

import functools
import multiprocessing
import os
import shlex
import sys
import traceback
import types
from dataclasses import dataclass
from pathlib import Path

import jinja2
from cookiecutter import generate, hooks
from cookiecutter.exceptions import FailedHookException
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
    """One combination's bake: its project directory and tree hash, or the error that stopped it.

    A manifest taken from the cache keeps only each tree's first combination on disk; the
    others have a tree hash and no path.
    """

    index: int
    options: Options
    path: str | None
    tree: str | None
    error: str | None


def share_compiled_templates() -> None:
    """Compile each template source once per process instead of once per bake.

    cookiecutter builds a fresh Jinja environment for every bake, so nothing it compiled is
    reused, and compiling is about half of a bake's time. The code Jinja compiles depends only
    on the source and the environment's syntax settings, which are part of the key.
    """
    compile_ = jinja2.Environment.compile
    compiled: dict[tuple, object] = {}

    def compile_once(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not isinstance(source, str):
            return compile_(self, source, name, filename, raw, defer_init)
        syntax = (
            type(self),
            tuple(sorted(self.extensions)),
            self.block_start_string,
            self.variable_start_string,
            self.comment_start_string,
            self.trim_blocks,
            self.lstrip_blocks,
            self.keep_trailing_newline,
            self.newline_sequence,
        )
        key = (syntax, source, name, filename, raw, defer_init)
        if key not in compiled:
            compiled[key] = compile_(self, source, name, filename, raw, defer_init)
        return compiled[key]

    jinja2.Environment.compile = compile_once


def share_binary_checks() -> None:
    """Decide once per process whether a template file is binary (copied) or text (rendered).

    cookiecutter reads and classifies every source file again for every bake; the answer depends
    only on the file, which does not change during a session.
    """
    is_binary = functools.cache(generate.is_binary)
    generate.is_binary = lambda path: is_binary(os.path.abspath(path))


def run_hooks_in_a_fork() -> None:
    """Run each rendered hook script in a fork of this process, not in a new interpreter.

    The script still runs in its own process, from the project directory, and fails the bake by
    its exit status as under cookiecutter's own runner. A fork skips starting Python and
    importing `site` again (two hooks per bake): a bake takes half the time. Other scripts (a
    shell hook) still go to cookiecutter's runner.
    """
    run_any_script = hooks.run_script

    def run_script(script_path: str, cwd: Path | str = ".") -> None:
        if not script_path.endswith(".py"):
            run_any_script(script_path, cwd)
            return
        path = Path(script_path)
        code = compile(path.read_bytes(), script_path, "exec")
        path.unlink()  # cookiecutter leaves the rendered script behind
        pid = os.fork()
        if pid == 0:
            os._exit(_run_in_child(code, script_path, cwd))
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if status != 0:
            raise FailedHookException(f"Hook script failed (exit status: {status})")

    hooks.run_script = run_script


def _run_in_child(code: types.CodeType, script_path: str, cwd: Path | str) -> int:
    status = 1
    try:
        os.chdir(cwd)
        exec(code, {"__name__": "__main__", "__file__": script_path})
        status = 0
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            status = exit_.code or 0
        else:
            print(exit_.code, file=sys.stderr)  # what the interpreter does with sys.exit("...")
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return status


def _start_baker() -> None:
    share_compiled_templates()
    share_binary_checks()
    run_hooks_in_a_fork()


def _bake_one(job: tuple[int, Options, str, str, str]) -> Baked:
    index, options, root, config, template = job
    try:
        path = bake(options, Path(root) / str(index), Path(config), Path(template))
    except Exception as exc:
        return Baked(index, options, None, None, f"{type(exc).__name__}: {exc}")
    return Baked(index, options, str(path), tree_hash(path), None)


def bake_many(
    combos: list[tuple[int, Options]], root: Path, config: Path, template: Path = TEMPLATE
) -> list[Baked]:
    """Bake each (index, combination) under root/<index>/, on every core (spawned processes)."""
    jobs = [(i, combo, str(root), str(config), str(template)) for i, combo in combos]
    processes = int(os.environ.get("MATRIX_BAKE_JOBS", os.cpu_count() or 1))
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_start_baker) as pool:
        return pool.map(_bake_one, jobs, chunksize=16)
