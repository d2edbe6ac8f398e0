"""The post-generation hook gives every bake its own secret, in a file git ignores."""

import ast
import stat
import subprocess

from expected_files import expected_paths

from matrix.options import DEFAULTS, TEMPLATE


def secret(project, name: str, file: str = ".env") -> str:
    lines = (project / file).read_text().splitlines()
    [line] = [line for line in lines if line.startswith(f"{name}=")]
    return line.removeprefix(f"{name}=")


def test_env_gets_a_fresh_secret_key(bake):
    first, second = bake().project_path, bake().project_path

    assert secret(first, "SECRET_KEY") != secret(first, "SECRET_KEY", ".env.example")
    assert len(secret(first, "SECRET_KEY")) >= 50
    assert secret(first, "SECRET_KEY") != secret(second, "SECRET_KEY")
    # Everything else in .env comes from the example.
    example = (first / ".env.example").read_text().splitlines()
    env = (first / ".env").read_text().splitlines()
    assert [line for line in env if not line.startswith("SECRET_KEY=")] == [
        line for line in example if not line.startswith("SECRET_KEY=")
    ]


def test_env_is_readable_by_its_owner_only(bake):
    project = bake().project_path

    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600


def test_docker_with_postgresql_gets_a_fresh_database_password(bake):
    context = {"use_docker": True, "database": "postgresql"}
    first, second = bake(**context).project_path, bake(**context).project_path

    # The example leaves it empty, which compose.yaml refuses.
    assert secret(first, "POSTGRES_PASSWORD", ".env.example") == ""
    assert len(secret(first, "POSTGRES_PASSWORD")) >= 50
    assert secret(first, "POSTGRES_PASSWORD") != secret(second, "POSTGRES_PASSWORD")
    assert "POSTGRES_PASSWORD" not in (bake().project_path / ".env").read_text()


def test_env_is_git_ignored_and_its_example_is_not(bake):
    project = bake().project_path
    subprocess.run(["git", "init", "-q", str(project)], check=True)

    def ignored(name: str) -> bool:
        check = subprocess.run(["git", "check-ignore", "-q", name], cwd=project, check=False)
        return check.returncode == 0

    assert ignored(".env")
    assert not ignored(".env.example")


def optional_paths() -> set[str]:
    """The keys of the post-generation hook's OPTIONAL_PATHS, with SLUG spelled `slug`."""
    source = (TEMPLATE / "hooks" / "post_gen_project.py").read_text()
    [table] = [
        node.value
        for node in ast.walk(
            ast.parse(source.replace("{{ cookiecutter.", "__cc_").replace(" }}", ""))
        )
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "OPTIONAL_PATHS"
    ]
    paths = set()
    for key in table.keys:
        if isinstance(key, ast.JoinedStr):
            paths.add(
                "".join(p.value if isinstance(p, ast.Constant) else "slug" for p in key.values)
            )
        else:
            paths.add(key.value)
    return paths


def test_expected_files_list_every_path_the_hook_removes():
    """tests/expected_files.py is written by hand beside the hook's table: both change together."""
    listed = set(expected_paths(DEFAULTS, "slug"))
    assert optional_paths() - listed == set()
    assert ".github" in optional_paths()
