"""The matrix machinery catches a broken template and names exactly the combinations it breaks."""

from pathlib import Path

from matrix import cache, session, tier1
from matrix.bake import bake_many
from matrix.options import DEFAULTS, SPACE

# A syntax error that only PostgreSQL bakes render.
BREAKAGE = '\n{%- if cookiecutter.database == "postgresql" %}\nBROKEN = (\n{%- endif %}\n'
BROKEN_FILE = Path("{{cookiecutter.project_slug}}", "config", "settings", "base.py")


def no_expectations(options, slug):
    return {}


def test_broken_file_fails_exactly_the_combinations_that_render_it(tmp_path):
    combos = [DEFAULTS | {"database": db, "use_redis": redis}
              for db in SPACE["database"] for redis in SPACE["use_redis"]]  # fmt: skip
    pristine = cache.copy_template(tmp_path / "pristine")
    broken = cache.copy_template(tmp_path / "broken")
    with (broken / BROKEN_FILE).open("a") as file:
        file.write(BREAKAGE)

    config = session.cookiecutter_config()
    before = tier1.problems(
        bake_many(list(enumerate(combos)), tmp_path / "before", config, pristine), no_expectations
    )
    baked = bake_many(list(enumerate(combos)), tmp_path / "after", config, broken)
    after = tier1.problems(baked, no_expectations)

    # Compared with the pristine copy, so that unrelated failures elsewhere do not count.
    newly_failing = {i for i, problems in after.items() if set(problems) - set(before.get(i, []))}
    assert newly_failing == {
        i for i, combo in enumerate(combos) if combo["database"] == "postgresql"
    }
    text = tier1.report(baked, after, broken)
    assert "config/settings/base.py" in text
    assert "database=postgresql" in text
    assert f"reproduce: cookiecutter --no-input {broken}" in text


def test_a_hook_that_refuses_fails_that_bake_and_leaves_nothing(tmp_path, capfd):
    # bake_many runs hooks in-process (matrix.bake.run_hooks_in_process): the exit status, the
    # hook's message and cookiecutter's cleanup must be what users get from cookiecutter itself.
    combos = [DEFAULTS | {"django_version": version} for version in SPACE["django_version"]]
    refused = combos[-1]["django_version"]
    template = cache.copy_template(tmp_path / "template")
    with (template / "hooks" / "pre_gen_project.py").open("a") as file:
        file.write(
            f'\nif "{{{{ cookiecutter.django_version }}}}" == "{refused}":\n'
            '    print("refused by the test")\n'
            "    sys.exit(3)\n"
        )

    baked = bake_many(
        list(enumerate(combos)), tmp_path / "out", session.cookiecutter_config(), template
    )

    assert [b.error for b in baked[:-1]] == [None] * (len(combos) - 1)
    assert baked[-1].error == "FailedHookException: Hook script failed (exit status: 3)"
    assert "refused by the test" in capfd.readouterr().out
    assert not any((tmp_path / "out" / str(len(combos) - 1)).iterdir())
