"""Tier 1 for every combination: the bake succeeds and the tree is clean, complete and lint-free."""

import math

import pytest

from matrix import session, tier1
from matrix.options import Options, selected_combinations

pytestmark = pytest.mark.matrix

# Combinations per test: large enough that one ruff call covers many trees, small enough that
# xdist keeps both cores busy until the end.
CHUNK = 64


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "chunk" not in metafunc.fixturenames:
        return
    count = len(session.manifest()) if session.wants_matrix(metafunc.config) else 0
    chunks = range(math.ceil(count / CHUNK))
    metafunc.parametrize("chunk", chunks, ids=[f"chunk{c:02d}" for c in chunks])


def expected_paths(options: Options, slug: str) -> dict[str, bool]:
    """Which paths these options must produce (True) or leave out (False).

    Written out here rather than read from the post-generation hook's table, which it checks.
    """
    channels, redis = options["use_channels"], options["use_redis"]
    always = [
        ".env", ".env.example", ".gitignore", "README.md", "pyproject.toml", "manage.py",
        "bin/serve", "config/asgi.py", "config/urls.py",
        *(f"config/settings/{name}.py" for name in ("base", "local", "production", "test")),
        f"{slug}/core/middleware.py", f"{slug}/core/async_django.py", f"{slug}/core/health.py",
        f"{slug}/core/logging.py", f"{slug}/core/views.py",
        *(f"{slug}/rooms/{name}.py" for name in ("models", "services", "api", "views", "urls")),
        "templates/base.html", "templates/home.html", "tests/server.py",
    ]  # fmt: skip
    return {
        **dict.fromkeys(always, True),
        "LICENSE": options["open_source_license"] != "Not open source",
        "Dockerfile": options["use_docker"],
        ".dockerignore": options["use_docker"],
        "compose.yaml": options["use_docker"],
        ".github/workflows": options["ci_tool"] == "github",
        ".gitlab-ci.yml": options["ci_tool"] == "gitlab",
        f"{slug}/rooms/consumers.py": channels,
        f"{slug}/rooms/routing.py": channels,
        f"{slug}/rooms/static/rooms/live.js": channels,
        "tests/test_consumers.py": channels,
        "tests/test_cross_process.py": channels and redis,
        "tests/test_redis.py": redis,
    }


def test_every_combination_is_baked() -> None:
    assert [baked.options for baked in session.manifest()] == selected_combinations()


def test_tier1(chunk: int, record_property) -> None:
    batch = session.manifest()[chunk * CHUNK : (chunk + 1) * CHUNK]
    record_property("matrix_tier", "tier1")
    found = tier1.problems(batch, expected_paths)
    assert not found, f"{len(found)} of {len(batch)} combinations failed tier 1:\n" + tier1.report(
        batch, found
    )
