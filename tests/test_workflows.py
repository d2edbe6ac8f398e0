"""The template repository's own GitHub workflows: valid, lint-clean, sharding the real matrix."""

import subprocess
import sys
from pathlib import Path

import yaml

from matrix.actionlint import actionlint
from matrix.options import SPACE, TEMPLATE

WORKFLOWS = sorted((TEMPLATE / ".github" / "workflows").glob("*.yml"))
CI = yaml.safe_load((TEMPLATE / ".github" / "workflows" / "ci.yml").read_text())


def test_workflows_match_githubs_schema():
    check_jsonschema = str(Path(sys.executable).parent / "check-jsonschema")
    schema = ["--builtin-schema", "vendor.github-workflows"]
    result = subprocess.run(
        [check_jsonschema, *schema, *map(str, WORKFLOWS)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_actionlint():
    assert actionlint(WORKFLOWS) == []


def test_actionlint_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ matrix.nope }}\n")  # fmt: skip
    assert any("nope" in finding for finding in actionlint([broken]))


def test_exhaustive_shards_cover_every_django_version_server_and_api_and_every_tree():
    shards = CI["jobs"]["exhaustive"]["strategy"]["matrix"]
    keys = ["django_version", "asgi_server", "api_framework"]
    assert {key: shards[key] for key in keys} == {key: SPACE[key] for key in keys}
    env = CI["jobs"]["exhaustive"]["env"]
    expected = " ".join(f"{key}=${{{{ matrix.{key} }}}}" for key in keys)
    assert env["MATRIX_ONLY"] == expected
    assert env["MATRIX_TIER2"] == "all"


def test_jobs_run_the_suites_commands():
    commands = {name: [step.get("run", "") for step in job["steps"]]
                for name, job in CI["jobs"].items()}  # fmt: skip
    assert 'bash scripts/test.sh -m "not matrix"' in commands["quick"]
    assert "bash scripts/test.sh -m matrix" in commands["plan"]
    assert "MATRIX_TIER2" not in CI["jobs"]["plan"].get("env", {})
    assert "bash scripts/test.sh -m matrix" in commands["exhaustive"]
    for job in ("plan", "exhaustive"):
        assert {"redis", "postgres"} <= set(CI["jobs"][job]["services"])
    assert any("ruff check" in command for command in commands["lint"])
