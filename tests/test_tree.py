"""A tree's hash covers what can change how the project behaves, and nothing else."""

from pathlib import Path

from matrix.tree import tree_hash

SETTINGS = 'SECRET_KEY = env("SECRET_KEY")\n'
COMPOSE = "environment:\n  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n"


def project(root: Path, env_example: str, settings: str = SETTINGS) -> Path:
    for relative, text in {
        "config/settings.py": settings,
        "compose.yaml": COMPOSE,
        ".env.example": env_example,
    }.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_env_example_counts_by_the_variables_the_project_names(tmp_path):
    plain = tree_hash(project(tmp_path / "plain", "SECRET_KEY=change-me\n"))
    # A comment, and a variable only the (ignored) compose file reads: the same behaviour.
    for_compose = "SECRET_KEY=change-me\n# compose.yaml's password\nPOSTGRES_PASSWORD=\n"
    assert tree_hash(project(tmp_path / "compose", for_compose)) == plain
    # Another default for a variable the settings read, or a variable they start reading: not.
    assert tree_hash(project(tmp_path / "default", "SECRET_KEY=other\n")) != plain
    read = SETTINGS + 'PASSWORD = env("POSTGRES_PASSWORD")\n'
    assert tree_hash(project(tmp_path / "read", for_compose, read)) != tree_hash(
        project(tmp_path / "unread", "SECRET_KEY=change-me\n", read)
    )


def test_docker_files_alone_make_no_other_tree(bake):
    with_docker = bake(database="postgresql", use_docker=True).project_path
    without = bake(database="postgresql", use_docker=False).project_path
    with_redis = bake(database="postgresql", use_docker=False, use_redis=True).project_path

    assert (with_docker / "compose.yaml").exists()
    assert "POSTGRES_PASSWORD" in (with_docker / ".env.example").read_text()
    assert tree_hash(with_docker) == tree_hash(without)
    assert tree_hash(with_redis) != tree_hash(without)
