"""Tier 2 runs what a user runs: the README's commands and the CI file's steps, as written.

These tests drive the runner on small projects of their own, where each case is quick to make
fail, and read the commands of real bakes.
"""

import textwrap
from pathlib import Path

import pytest

from matrix import tier2
from matrix.bake import Baked
from matrix.commands import ci_jobs, github_jobs, readme_commands
from matrix.options import DEFAULTS
from matrix.userflow import Shell

README = """\
# Demo

## Requirements

```sh
curl https://example.com/install.sh | sh
```

## Getting started

```sh
echo first > order.txt
export DATABASE_URL=postgres://postgres@localhost:5432/demo  # the suite's stands in
cd sub
```

Prose between blocks.

```text
not a command
```

## Tests

```sh
echo second >> ../order.txt
test "$DATABASE_URL" = "postgres://suite/tree_db"
sh -c 'echo "a useful traceback" >&2; exit 3'
echo never >> ../order.txt
```
"""

WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    env:
      DATABASE_URL: postgres://postgres:postgres@localhost:5432/demo
    services:
      postgres:
        image: postgres:17
    steps:
      - uses: actions/checkout@v5
      - run: echo "SECRET_KEY=from-step-one" >> "$GITHUB_ENV"
      - name: Uses what the first step set
        run: test "$SECRET_KEY" = from-step-one && test "$DATABASE_URL" = postgres://suite/tree_db
      - name: Step env
        run: test "$ONLY_HERE" = yes
        env:
          ONLY_HERE: "yes"
      - run: test -z "${ONLY_HERE:-}"
"""


def project(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    (root / "sub").mkdir(exist_ok=True)
    return root


def shell(root: Path, logs: Path, **extra) -> Shell:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    return Shell(root, env, {"DATABASE_URL": "postgres://suite/tree_db"}, logs, **extra)


def test_readme_commands_are_its_shell_blocks_in_the_sections_a_user_runs(tmp_path):
    commands = readme_commands(project(tmp_path, {"README.md": README}))
    assert [command.text for command in commands] == [
        "echo first > order.txt",
        "export DATABASE_URL=postgres://postgres@localhost:5432/demo  # the suite's stands in",
        "cd sub",
        "echo second >> ../order.txt",
        'test "$DATABASE_URL" = "postgres://suite/tree_db"',
        "sh -c 'echo \"a useful traceback\" >&2; exit 3'",
        "echo never >> ../order.txt",
    ]
    assert commands[0].where == "README.md, Getting started"


def test_a_failing_command_is_named_with_its_tree_and_output_and_stops_the_flow(tmp_path):
    root = project(tmp_path / "demo", {"README.md": README})
    user = shell(root, tmp_path / "logs")
    for command in readme_commands(root):
        if user.run(command).status == "failed":
            break
    failed = user.ran[-1]
    report = tier2.failure(Baked(0, DEFAULTS, str(root), "f" * 64, None), failed)

    assert [ran.status for ran in user.ran] == ["passed"] * 5 + ["failed"]
    assert (root / "order.txt").read_text() == "first\nsecond\n"
    assert report.startswith("tree ffffffffffff (django_version=")
    assert "README.md, Tests\n$ sh -c 'echo \"a useful traceback\" >&2; exit 3'" in report
    assert "exited 3:\na useful traceback" in report


def test_github_steps_share_github_env_and_keep_a_steps_env_to_itself(tmp_path):
    root = project(tmp_path / "demo", {".github/workflows/ci.yml": WORKFLOW})
    [job] = github_jobs(root)
    assert job.services == {"postgres"}
    assert len(job.commands) == 4, "the `uses:` step is not a command"
    user = shell(root, tmp_path / "logs", github_env=tmp_path / "github_env")
    user.env |= job.env
    user.env = user._with_services(user.env)
    statuses = [user.run(command).status for command in job.commands]
    assert statuses == ["passed"] * 4, "\n".join(ran.describe() for ran in user.ran)


@pytest.mark.parametrize("ci_tool", ["github", "gitlab"])
def test_ci_without_a_lock_file_fails_saying_what_to_do(bake, tmp_path, ci_tool):
    root = bake(ci_tool=ci_tool).project_path
    [job] = ci_jobs(root)
    [check] = [command for command in job.commands if "uv.lock" in command.text]
    user = shell(root, tmp_path / "logs")

    result = user.run(check)

    assert result.status == "failed"
    assert "uv.lock is missing; run 'uv lock', commit uv.lock and push again." in result.output


def test_every_bake_names_its_install_test_and_lint_commands(bake):
    root = bake(database="postgresql", use_redis=True).project_path
    texts = [command.text for command in readme_commands(root)]
    for expected in ("uv sync", "uv run manage.py migrate", "uv run bin/serve dev",
                     "uv run pytest", "uv run ruff check ."):  # fmt: skip
        assert expected in texts
    # What the README tells a user to do before the first push comes before the tests.
    commit = next(i for i, text in enumerate(texts) if text.startswith("git init"))
    assert texts.index("uv sync") < commit < texts.index("uv run pytest")
    assert tier2.service_kinds(root) == {"postgres", "redis"}


def test_a_readme_without_a_section_the_flow_needs_is_refused(tmp_path):
    root = project(tmp_path, {"README.md": textwrap.dedent(README).replace("## Tests", "## Try")})
    with pytest.raises(ValueError, match=r"README\.md has no section 'Tests'"):
        readme_commands(root)
