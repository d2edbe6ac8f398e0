"""The production files of every relevant combination pass the tools that judge them.

Dockerfile: hadolint. compose.yaml: the Compose specification's schema. CI files: GitHub's and
GitLab's schemas, and actionlint for the workflow. .pre-commit-config.yaml: pre-commit itself.
Every schema ships inside check-jsonschema: nothing is fetched while the tests run.
Besides validity, each file is checked for what the chosen options promise it contains.
"""

import fnmatch
import itertools
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from matrix.actionlint import actionlint
from matrix.bake import bake, write_config
from matrix.options import COOKIECUTTER_JSON as OPTIONS
from matrix.options import label
from matrix.services import free_port

DOCKER_COMBINATIONS = [
    {
        "use_docker": True,
        "database": database,
        "use_redis": redis,
        "use_channels": channels,
    }
    for database, redis, channels in itertools.product(
        OPTIONS["database"], (False, True), (False, True)
    )
]
CI_COMBINATIONS = [
    {"ci_tool": ci_tool, "database": database, "use_redis": redis}
    for ci_tool, database, redis in itertools.product(
        ("github", "gitlab"), OPTIONS["database"], (False, True)
    )
]
# The steps both CI files run, as fragments of their shell commands.
CI_STEPS = (
    "uv sync --locked",
    "uv run ruff check",
    "uv run ruff format --check",
    "manage.py makemigrations --check",
    "manage.py check --deploy --fail-level WARNING",
    "uv run pytest",
)


Baker = Callable[[dict], Path]


@pytest.fixture(scope="session")
def baker(tmp_path_factory: pytest.TempPathFactory) -> Baker:
    """Bakes a combination (cookiecutter.json's defaults for the rest) into a fresh directory."""
    config = write_config(tmp_path_factory.mktemp("cookiecutter"))
    return lambda context: bake(context, tmp_path_factory.mktemp("bake"), config)


def tool(name: str) -> str:
    """A command-line tool from the test environment (scripts/test.sh installs them)."""
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    assert found, f"{name} is not installed in the test environment"
    return found


def run(*command: str, cwd: Path | None = None, env: dict | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"


def check_schema(schema: str, path: Path, *extra: str) -> None:
    run(tool("check-jsonschema"), "--builtin-schema", schema, *extra, str(path))


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


# --- use_docker ---------------------------------------------------------------------------------


def test_no_docker_files_without_docker(baker: Baker):
    project = baker({"use_docker": False})
    for name in ("Dockerfile", ".dockerignore", "compose.yaml"):
        assert not (project / name).exists(), name


@pytest.mark.parametrize("database", OPTIONS["database"])
def test_dockerfile_passes_hadolint(baker: Baker, database):
    project = baker({"use_docker": True, "database": database})
    run(
        tool("hadolint"),
        "--no-color",
        "--failure-threshold",
        "info",
        str(project / "Dockerfile"),
    )


def dockerfile_stages(path: Path) -> list[list[str]]:
    """Instructions (continuation lines joined, comments dropped) grouped by FROM."""
    text = path.read_text().replace("\\\n", " ")
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


@pytest.mark.parametrize("database", OPTIONS["database"])
def test_dockerfile_runtime_stage(baker: Baker, database):
    project = baker({"use_docker": True, "database": database})
    runtime = dockerfile_stages(project / "Dockerfile")[-1]
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users, "the runtime stage never drops root"
    assert users[-1] not in {"root", "0"}
    # uv and its cache stay in the build stage.
    assert not any(
        "/uv" in line or "uv " in line for line in runtime if line.startswith(("COPY", "RUN"))
    )
    [healthcheck] = [line for line in runtime if line.startswith("HEALTHCHECK ")]
    assert "/health/" in healthcheck
    assert "urllib" in healthcheck
    [cmd] = [line for line in runtime if line.startswith("CMD ")]
    assert json.loads(cmd.removeprefix("CMD ")) == ["bin/serve", "prod"]
    assert (project / "bin" / "serve").exists(), "the image starts a script the bake does not have"


def dockerignored(patterns: list[str], path: str) -> bool:
    """Whether a .dockerignore (without `!` exceptions) leaves `path` out of the build context."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


def test_dockerignore_keeps_the_build_inputs_and_drops_local_state(baker: Baker):
    project = baker({"use_docker": True})
    lines = (project / ".dockerignore").read_text().splitlines()
    patterns = [line for line in lines if line.strip() and not line.startswith("#")]
    assert not any(pattern.startswith("!") for pattern in patterns), "dockerignored() ignores !"
    slug = next(path.name for path in project.iterdir() if (path / "rooms").is_dir())
    needed = [
        "pyproject.toml",
        "README.md",
        "manage.py",
        "bin/serve",
        "config/asgi.py",
        f"{slug}/rooms/models.py",
    ]
    for path in needed:
        assert (project / path).exists(), path
        assert not dockerignored(patterns, path), f"{path} is left out of the image"
    for path in (
        ".env",
        ".venv/bin/python",
        ".git/HEAD",
        "db.sqlite3",
        f"{slug}/__pycache__/x.pyc",
    ):
        assert dockerignored(patterns, path), f"{path} would be sent into the image"


@pytest.mark.parametrize("context", DOCKER_COMBINATIONS, ids=label)
def test_compose_file(baker: Baker, context):
    project = baker(context)
    compose_file = project / "compose.yaml"
    check_schema("vendor.compose-spec", compose_file)

    compose = load_yaml(compose_file)
    services = compose["services"]
    backing = {"postgres"} if context["database"] == "postgresql" else set()
    backing |= {"redis"} if context["use_redis"] else set()
    assert set(services) == {"web", "worker", "migrate"} | backing
    for name in backing:
        assert services[name]["healthcheck"]["test"], name
    web = services["web"]
    assert web["build"] == "."
    assert web["env_file"] == ".env"
    assert web["environment"]["DEBUG"] == "false", ".env turns DEBUG on for development"
    assert web["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        **{name: {"condition": "service_healthy"} for name in backing},
    }
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert services["migrate"]["image"] == web["image"], "migrate runs web's image"
    worker = services["worker"]
    assert worker["image"] == web["image"], "the worker runs web's image"
    assert worker["command"] == ["bin/serve", "worker"]
    assert worker["healthcheck"] == {"disable": True}, "the image's check asks for /health/"
    assert worker["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        **({"postgres": {"condition": "service_healthy"}} if "postgres" in backing else {}),
    }
    # Every volume a service mounts is a named volume declared at the top level.
    mounted = {
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
    }
    assert mounted == set(compose["volumes"])
    assert ("postgres-data" in mounted) == (context["database"] == "postgresql")
    assert ("redis-data" in mounted) == context["use_redis"]
    # Published on this machine only, unless WEB_PUBLISH_ADDRESS says otherwise.
    assert web["ports"] == ["${WEB_PUBLISH_ADDRESS:-127.0.0.1}:8000:8000"]
    # Longer than the server's own drain (GRACEFUL_TIMEOUT, 30 s by default).
    assert web["stop_grace_period"] == "35s"
    text = compose_file.read_text()
    # No default password: compose refuses to start without one.
    assert ":-postgres" not in text
    if context["database"] == "postgresql":
        password = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
        assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == password
        assert password in web["environment"]["DATABASE_URL"]


def instructions(stage: list[str], keyword: str) -> list[str]:
    return [line.removeprefix(keyword + " ") for line in stage if line.startswith(keyword + " ")]


def stage_env(stage: list[str], app: Path, base: dict[str, str]) -> dict[str, str]:
    """The stage's ENV, with the image's /app moved to `app` and $VARIABLES expanded."""
    env = dict(base)
    for line in instructions(stage, "ENV"):
        for item in shlex.split(line):
            key, value = item.split("=", 1)
            value = value.replace("/app/", f"{app}/").replace("$PATH", env.get("PATH", ""))
            env[key] = value
    return env


def copy_context(project: Path, app: Path) -> None:
    """The build context as Docker would send it: the project minus .dockerignore."""
    lines = (project / ".dockerignore").read_text().splitlines()
    patterns = [line for line in lines if line.strip() and not line.startswith("#")]
    for path in project.rglob("*"):
        relative = path.relative_to(project).as_posix()
        if path.is_file() and not dockerignored(patterns, relative):
            (app / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, app / relative)


def create_database(python: Path) -> str:
    """A fresh database on the session's PostgreSQL, made with the image's own psycopg."""
    server, name = os.environ["MATRIX_DATABASE_URL"], f"image_{secrets.token_hex(4)}"
    create = f"import psycopg; psycopg.connect({server + '/postgres'!r}, autocommit=True)"
    run(str(python), "-c", f"{create}.execute('CREATE DATABASE \"{name}\"')")
    return f"{server}/{name}"


@pytest.mark.parametrize("database", OPTIONS["database"])
def test_image_steps_run_and_the_healthcheck_passes(baker: Baker, database, tmp_path):
    """No Docker engine here: the Dockerfile's own RUN, CMD and HEALTHCHECK run on the host.

    The build stage's commands run in a copy of the build context (after `uv lock`, which a
    project does once); then the image's CMD serves with the runtime stage's environment, the
    compose file's migrate command runs, and the HEALTHCHECK command must succeed. Only the
    paths (/app, /data), the port and the database differ from the container.
    """
    project = baker({"use_docker": True, "database": database})
    run("uv", "lock", "--quiet", cwd=project, env={**os.environ, "UV_PYTHON": sys.executable})
    app = tmp_path / "app"
    copy_context(project, app)
    build, runtime = dockerfile_stages(project / "Dockerfile")[-2:]

    build_env = stage_env(build, app, {**os.environ, "UV_PYTHON": sys.executable})
    for command in instructions(build, "RUN"):
        run("sh", "-c", re.sub(r"--mount=\S+", "", command), cwd=app, env=build_env)
    assert (app / "staticfiles" / "staticfiles.json").exists(), "collectstatic wrote no manifest"

    env = stage_env(runtime, app, {"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    env["PORT"] = str(free_port())
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    if database == "postgresql":
        env["DATABASE_URL"] = create_database(app / ".venv" / "bin" / "python")
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path}/db.sqlite3"
    compose = load_yaml(project / "compose.yaml")
    run(*compose["services"]["migrate"]["command"], cwd=app, env=env)

    [cmd] = instructions(runtime, "CMD")
    [healthcheck] = instructions(runtime, "HEALTHCHECK")
    probe = json.loads(healthcheck.split(" CMD ", 1)[1])
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(json.loads(cmd), cwd=app, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while (status := subprocess.run(probe, cwd=app, env=env, check=False)).returncode:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.5)
        assert status.returncode == 0
    finally:
        server.terminate()
        server.wait(30)
        log.close()

    # The task worker, from the same image, as compose.yaml runs it: it starts, polls the
    # migrated database, and stops cleanly on SIGTERM.
    worker_log = tmp_path / "worker.log"
    with worker_log.open("w") as log:
        worker = subprocess.Popen(
            compose["services"]["worker"]["command"], cwd=app, env=env, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 60
        while "Starting worker" not in worker_log.read_text():
            assert worker.poll() is None, worker_log.read_text()
            assert time.monotonic() < deadline, worker_log.read_text()
            time.sleep(0.2)
    finally:
        worker.terminate()
        assert worker.wait(30) == 0, worker_log.read_text()


# --- ci_tool ------------------------------------------------------------------------------------


def test_no_ci_file_without_ci(baker: Baker):
    project = baker({"ci_tool": "none"})
    assert not (project / ".github").exists()
    assert not (project / ".gitlab-ci.yml").exists()


def expected_services(context: dict) -> set[str]:
    services = {"postgres"} if context["database"] == "postgresql" else set()
    return services | ({"redis"} if context["use_redis"] else set())


def assert_runs_every_ci_step(commands: list[str]) -> None:
    for step in CI_STEPS:
        assert any(step in command for command in commands), f"no CI step runs {step!r}"


@pytest.mark.parametrize(
    "context",
    [c for c in CI_COMBINATIONS if c["ci_tool"] == "github"],
    ids=label,
)
def test_github_workflow(baker: Baker, context):
    project = baker(context)
    assert not (project / ".gitlab-ci.yml").exists()
    workflow_file = project / ".github" / "workflows" / "ci.yml"
    check_schema("vendor.github-workflows", workflow_file)
    assert actionlint([workflow_file]) == []

    [job] = load_yaml(workflow_file)["jobs"].values()
    assert set(job.get("services", {})) == expected_services(context)
    assert ("DATABASE_URL" in job.get("env", {})) == (context["database"] == "postgresql")
    assert ("REDIS_URL" in job.get("env", {})) == context["use_redis"]
    [setup_uv] = [
        step for step in job["steps"] if step.get("uses", "").startswith("astral-sh/setup-uv@")
    ]
    assert setup_uv["with"]["enable-cache"] is True
    # Every action pinned by commit, its version in a comment: a tag can be moved.
    lines = workflow_file.read_text().splitlines()
    uses = [line.split("uses:", 1)[1].strip() for line in lines if "uses:" in line]
    assert uses
    assert all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*", use) for use in uses), uses
    assert_runs_every_ci_step([step["run"] for step in job["steps"] if "run" in step])


@pytest.mark.parametrize(
    "context",
    [c for c in CI_COMBINATIONS if c["ci_tool"] == "gitlab"],
    ids=label,
)
def test_gitlab_ci(baker: Baker, context):
    project = baker(context)
    assert not (project / ".github").exists()
    ci_file = project / ".gitlab-ci.yml"
    check_schema("vendor.gitlab-ci", ci_file, "--data-transform", "gitlab-ci")

    job = load_yaml(ci_file)["test"]
    aliases = {service["alias"] for service in job.get("services", [])}
    assert aliases == expected_services(context)
    assert ("DATABASE_URL" in job["variables"]) == (context["database"] == "postgresql")
    assert ("REDIS_URL" in job["variables"]) == context["use_redis"]
    assert job["cache"]["paths"] == [job["variables"]["UV_CACHE_DIR"]]
    assert_runs_every_ci_step(job["script"])


# --- every bake ---------------------------------------------------------------------------------


def test_pre_commit_config(baker: Baker):
    project = baker({})
    config_file = project / ".pre-commit-config.yaml"
    run(tool("pre-commit"), "validate-config", str(config_file))
    hooks = {hook["id"] for repo in load_yaml(config_file)["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "check-yaml", "end-of-file-fixer"} <= hooks
