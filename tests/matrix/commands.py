"""The commands a user of a baked project runs, read from the project's own files.

The README's fenced shell blocks in the sections that install, prepare the first push, test and
lint; every `run:` step of each GitHub workflow job and every `script:` line of each GitLab CI
job. Nothing here keeps a copy of a command: a README or CI file that changes changes what runs.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# The README sections whose commands a new user runs, in the order a reader meets them: the
# install and the first commit (which the first push needs), then the tests and the linters.
README_SECTIONS = ("Getting started", "Tests")
# Fenced blocks in these languages are commands; others (output, configuration) are not.
SHELL_LANGUAGES = ("sh", "shell", "bash", "console")
# What CI services are, by their image's name: the suite provides its own of each kind.
SERVICE_KINDS = ("postgres", "redis")

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w-]*)")


@dataclass(frozen=True)
class Command:
    where: str  # where a reader finds it: "README.md, Tests" or ".gitlab-ci.yml, job test"
    text: str  # exactly as written (continuation lines joined as the shell joins them)
    env: dict[str, str] = field(default_factory=dict)  # what the file sets for this command


@dataclass(frozen=True)
class Job:
    where: str
    commands: list[Command]
    env: dict[str, str]  # the job's variables (a command's own env goes on top)
    services: frozenset[str]  # kinds from SERVICE_KINDS
    cache_paths: tuple[str, ...] = ()  # what the CI restores between runs (GitLab's cache:)


def readme_sections(text: str) -> dict[str, list[str]]:
    """Each section heading's fenced shell blocks, in order; a block is a list of lines."""
    sections: dict[str, list[str]] = {}
    heading, fence, language, block = None, None, "", []
    for line in text.splitlines():
        if fence:
            if line.strip().startswith(fence):
                if language in SHELL_LANGUAGES and heading is not None:
                    sections.setdefault(heading, []).append("\n".join(block))
                fence, block = None, []
            else:
                block.append(line)
        elif match := FENCE.match(line):
            fence, language = match.group(2), match.group(3)
        elif match := HEADING.match(line):
            heading = match.group(2)
            sections.setdefault(heading, [])
    return sections


def shell_lines(block: str) -> list[str]:
    """A block's commands: continuation lines joined, blank and comment-only lines left out.

    A `$ ` prompt (console blocks) is dropped; lines after a prompted line without one are output.
    """
    lines, pending = [], ""
    prompted = any(line.lstrip().startswith("$ ") for line in block.splitlines())
    for raw in block.splitlines():
        line = raw.strip()
        if prompted and not pending:
            if not line.startswith("$ "):
                continue
            line = line[2:]
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def readme_commands(project: Path) -> list[Command]:
    sections = readme_sections((project / "README.md").read_text())
    missing = [name for name in README_SECTIONS if name not in sections]
    if missing:
        raise ValueError(f"README.md has no section {', '.join(map(repr, missing))}")
    return [
        Command(f"README.md, {name}", line)
        for name in README_SECTIONS
        for block in sections[name]
        for line in shell_lines(block)
    ]


def _service_kind(image: str) -> str | None:
    name = image.rsplit("/", 1)[-1].split(":", 1)[0]
    return name if name in SERVICE_KINDS else None


def _strings(mapping: dict | None) -> dict[str, str]:
    return {str(key): str(value) for key, value in (mapping or {}).items()}


def github_jobs(project: Path) -> list[Job]:
    jobs = []
    for path in sorted((project / ".github" / "workflows").glob("*.y*ml")):
        workflow = yaml.safe_load(path.read_text())
        relative = path.relative_to(project)
        for name, job in workflow.get("jobs", {}).items():
            services = {
                _service_kind(s.get("image", "")) for s in (job.get("services") or {}).values()
            }
            commands = [
                Command(
                    f"{relative}, job {name}, step {step.get('name', step['run'])!r}",
                    step["run"].strip(),
                    _strings(step.get("env")),
                )
                for step in job.get("steps", [])
                if "run" in step
            ]
            env = _strings(workflow.get("env")) | _strings(job.get("env"))
            jobs.append(Job(f"{relative}, job {name}", commands, env, frozenset(services - {None})))
    return jobs


GITLAB_KEYWORDS = {"stages", "variables", "default", "include", "workflow", "image", "services",
                   "cache", "before_script", "after_script"}  # fmt: skip


def gitlab_jobs(project: Path) -> list[Job]:
    path = project / ".gitlab-ci.yml"
    if not path.exists():
        return []
    config = yaml.safe_load(path.read_text())
    jobs = []
    for name, job in config.items():
        if name in GITLAB_KEYWORDS or name.startswith(".") or not isinstance(job, dict):
            continue
        lines = [*job.get("before_script", config.get("before_script", [])), *job["script"]]
        where = f".gitlab-ci.yml, job {name}"
        services = {
            _service_kind(s if isinstance(s, str) else s.get("name", ""))
            for s in job.get("services", [])
        }
        cache = job.get("cache") or {}
        caches = cache if isinstance(cache, list) else [cache]
        paths = tuple(p for c in caches for p in c.get("paths", []))
        env = _strings(config.get("variables")) | _strings(job.get("variables"))
        commands = [Command(where, line.strip()) for line in lines]
        jobs.append(Job(where, commands, env, frozenset(services - {None}), paths))
    return jobs


def ci_jobs(project: Path) -> list[Job]:
    return [*github_jobs(project), *gitlab_jobs(project)]
