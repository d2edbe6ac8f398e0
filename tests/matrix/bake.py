"""Baking through cookiecutter's API, in-process: one combination, or many across a process pool."""

import collections
import contextlib
import copy
import dataclasses
import functools
import importlib
import io
import multiprocessing
import os
import re
import shlex
import shutil
import sys
import traceback
import types
from dataclasses import dataclass
from pathlib import Path

import jinja2
from cookiecutter import generate, hooks
from cookiecutter import main as cookiecutter_main
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from matrix import checks
from matrix.options import TEMPLATE, Options, check_keys, label
from matrix.tree import digest, read, tree_hash


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
    problems: tuple[str, ...] = ()  # tier 1's, when the bake was checked


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


def share_constant_templates() -> None:
    """Render a string without Jinja syntax as itself, without compiling it; an absolute path
    whose Jinja starts in a later component as its fixed prefix plus that component onwards.

    cookiecutter renders every directory path it creates, output directory included: each bake
    compiled its own paths again.
    """
    from_string = jinja2.Environment.from_string

    class Prefixed:
        def __init__(self, prefix: str, rest: object) -> None:
            self.prefix, self.rest = prefix, rest

        def render(self, *args: object, **kwargs: object) -> str:
            return self.prefix + (self.rest.render(*args, **kwargs) if self.rest else "")

    def prefixed_template(self, source, globals=None, template_class=None):
        if not isinstance(source, str):
            return from_string(self, source, globals, template_class)
        match = JINJA_SYNTAX.search(source)
        if match is None:
            return Prefixed(source, None)
        cut = source.rfind("/", 0, match.start()) + 1
        if source.startswith("/") and not any(c.isspace() for c in source[:cut]):
            return Prefixed(source[:cut], from_string(self, source[cut:], globals, template_class))
        return from_string(self, source, globals, template_class)

    jinja2.Environment.from_string = prefixed_template


def share_template_sources() -> None:
    """Read each template file once per process: they do not change during a session."""
    get_source = jinja2.FileSystemLoader.get_source
    sources: dict[tuple, tuple] = {}

    def get_source_once(self, environment, template):
        key = (tuple(self.searchpath), template)
        if key not in sources:
            source, filename, _ = get_source(self, environment, template)
            sources[key] = (source, filename)
        source, filename = sources[key]
        return source, filename, lambda: True

    jinja2.FileSystemLoader.get_source = get_source_once


def flatten_template_globals() -> None:
    """Hand each render a template's globals as one dict rather than as its ChainMap.

    Jinja keeps a template's globals in a ChainMap over the environment's, and every render
    copies them into a new context key by key through the ChainMap's Python methods: a tenth of
    a bake. One dict with the same keys and values (the first map winning, as in the ChainMap)
    copies at C speed.
    """
    make_context = jinja2.environment.new_context

    def new_context(environment, template_name, blocks, vars=None, shared=False, globals=None,
                    locals=None):  # fmt: skip
        if isinstance(globals, collections.ChainMap):
            flat: dict = {}
            for mapping in reversed(globals.maps):
                flat.update(mapping)
            globals = flat
        return make_context(environment, template_name, blocks, vars, shared, globals, locals)

    jinja2.environment.new_context = new_context


def share_user_config() -> None:
    """Read our cookiecutter config file once per process (cookiecutter parses it every bake)."""
    read_config = cookiecutter_main.get_user_config
    read_once = functools.cache(read_config)

    def get_user_config(config_file=None, default_config=False):
        if not isinstance(default_config, bool):  # a dict: not hashable, and not ours
            return read_config(config_file, default_config)
        return copy.deepcopy(read_once(config_file, default_config))

    cookiecutter_main.get_user_config = get_user_config


JINJA_SYNTAX = re.compile(r"\{[{%#]")


def run_hooks_in_process() -> None:
    """Run each rendered hook script in this process, from the project directory, rather than in
    a new interpreter: a bake takes half the time.

    The script fails the bake by its exit status, as under cookiecutter's own runner, and what
    it prints goes where cookiecutter's child would print it. Other scripts (a shell hook) still
    go to cookiecutter's runner.
    """
    run_any_script = hooks.run_script

    def run_script(script_path: str, cwd: Path | str = ".") -> None:
        if not script_path.endswith(".py"):
            run_any_script(script_path, cwd)
            return
        path = Path(script_path)
        code = _compiled(path.read_bytes(), script_path)
        path.unlink()  # cookiecutter leaves the rendered script behind
        status = _run_script(code, script_path, cwd)
        if status != 0:
            raise FailedHookException(f"Hook script failed (exit status: {status})")

    hooks.run_script = run_script


# Compiled hook scripts by source, the most recently used kept: the pre-generation hook renders
# the same for every combination with the same free text. A traceback names the temporary file
# of the bake that compiled it first, no less telling a name than the bake's own (both removed).
_COMPILED: dict[bytes, types.CodeType] = {}
_COMPILED_MAX = 16


def _compiled(source: bytes, script_path: str) -> types.CodeType:
    code = _COMPILED.pop(source, None)
    if code is None:
        code = compile(source, script_path, "exec")
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))  # the least recently used
    _COMPILED[source] = code
    return code


def _run_script(code: types.CodeType, script_path: str, cwd: Path | str) -> int:
    """The script's exit status. What it prints is shown only when it fails: a matrix would
    print the post-generation hook's next steps thousands of times."""
    status = 1
    here = os.getcwd()
    output = io.StringIO()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            exec(code, {"__name__": "__main__", "__file__": script_path})
        status = 0
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            status = exit_.code or 0
        else:
            print(exit_.code, file=sys.stderr)  # what the interpreter does with sys.exit("...")
    except Exception:
        traceback.print_exc()
    finally:
        os.chdir(here)
        if status != 0:
            sys.stdout.write(output.getvalue())
        sys.stdout.flush()
        sys.stderr.flush()
    return status


def _start_baker() -> None:
    share_compiled_templates()
    share_constant_templates()
    share_template_sources()
    share_binary_checks()
    flatten_template_globals()
    share_user_config()
    run_hooks_in_process()


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


# The checks of one baking process: each distinct file is checked once per process.
_checks: dict[str, checks.TreeChecks] = {}
# Trees this process keeps on disk: the first combination of each (tier 2 installs from it).
_kept: set[str] = set()

CheckJob = tuple[int, Options, str, str, str, str, str]


def _bake_and_check(job: CheckJob) -> tuple[Baked, list[str]]:
    index, options, root, config, template, staging, expected = job
    try:
        path = bake(options, Path(root) / str(index), Path(config), Path(template))
    except Exception as exc:
        return Baked(index, options, None, None, f"{type(exc).__name__}: {exc}"), []
    contents = read(path)
    files = digest(path, contents)
    tree = tree_hash(path, files=files, contents=contents)
    checker = _checks.setdefault(staging, checks.TreeChecks(Path(staging)))
    module, name = expected.split(":")
    expectations = getattr(importlib.import_module(module), name)
    problems, staged = checker.check(path, files, options, expectations, contents)
    kept: str | None = str(path)
    if tree in _kept and not problems:
        shutil.rmtree(path.parent)  # another combination of this tree is on disk already
        kept = None
    _kept.add(tree)
    return Baked(index, options, kept, tree, None, tuple(problems)), staged


def bake_and_check_many(
    combos: list[tuple[int, Options]],
    root: Path,
    config: Path,
    expected: str,
    template: Path = TEMPLATE,
) -> list[Baked]:
    """Bake and check each (index, combination), on every core; `expected` names the function
    ("module:name") that says which paths a combination must produce.

    Each tree's first combination stays on disk under root/<index>/ (and any with problems);
    the others are removed once checked.
    """
    staging = root / "ruff-staging"
    jobs = [(i, combo, str(root), str(config), str(template), str(staging), expected)
            for i, combo in combos]  # fmt: skip
    processes = int(os.environ.get("MATRIX_BAKE_JOBS", os.cpu_count() or 1))
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_start_baker) as pool:
        results = pool.map(_bake_and_check, jobs, chunksize=16)
    findings = checks.ruff_findings(staging)
    baked = [
        dataclasses.replace(
            b, problems=(*b.problems, *checks.ruff_problems(staged, findings, staging))
        )
        for b, staged in results
    ]
    checks.clear(staging)
    return baked
