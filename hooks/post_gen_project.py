"""Drop the files this bake's options leave out, give the project its own secrets, and say what
to do next.

Which path belongs to which option lives in OPTIONAL_PATHS and nowhere else.
"""

import secrets
import shutil
from pathlib import Path

SLUG = "{{ cookiecutter.project_slug }}"
USE_CHANNELS = {{ cookiecutter.use_channels }}
USE_REDIS = {{ cookiecutter.use_redis }}
USE_DOCKER = {{ cookiecutter.use_docker }}
POSTGRESQL = "{{ cookiecutter.database }}" == "postgresql"
ASGI_SERVER = "{{ cookiecutter.asgi_server }}"
DJANGO_VERSION = "{{ cookiecutter.django_version }}"
CI_TOOL = "{{ cookiecutter.ci_tool }}"
API = "{{ cookiecutter.api_framework }}"
LICENSED = "{{ cookiecutter.open_source_license }}" != "Not open source"

# Path (relative to the project root) -> whether this bake keeps it.
OPTIONAL_PATHS = {
    "LICENSE": LICENSED,
    "Dockerfile": USE_DOCKER,
    ".dockerignore": USE_DOCKER,
    "compose.yaml": USE_DOCKER,
    ".github": CI_TOOL == "github",
    ".gitlab-ci.yml": CI_TOOL == "gitlab",
    # Server settings that their command line cannot give (bin/serve).
    "config/gunicorn_worker.py": USE_CHANNELS and ASGI_SERVER == "uvicorn",
    "config/hypercorn.py": ASGI_SERVER == "hypercorn",
    "config/daphne_server.py": ASGI_SERVER == "daphne",
    # Servers whose own supervisor does not drain: one-process servers on one socket.
    "config/launcher.py": ASGI_SERVER in ("daphne", "hypercorn"),
    f"{SLUG}/api/fastapi_app.py": API == "fastapi",
    f"{SLUG}/api/fastapi_dependencies.py": API == "fastapi",
    f"{SLUG}/api/ninja_api.py": API == "ninja",
    f"{SLUG}/api/schemas.py": API != "django",
    f"{SLUG}/asgi/allowed_origins.py": USE_CHANNELS,
    f"{SLUG}/asgi/connection_limit.py": USE_CHANNELS,
    f"{SLUG}/asgi/django_scope.py": API == "fastapi",
    f"{SLUG}/asgi/router.py": not USE_CHANNELS,
    f"{SLUG}/asgi/websocket_closer.py": USE_CHANNELS,
    f"{SLUG}/health/postgresql.py": POSTGRESQL,
    f"{SLUG}/health/redis_check.py": USE_REDIS,
    # Django 6 has its own (config/settings/base.py names the one to use).
    f"{SLUG}/middleware/content_security_policy.py": DJANGO_VERSION == "5.2",
    f"{SLUG}/rooms/api.py": API == "django",
    f"{SLUG}/rooms/api_fastapi.py": API == "fastapi",
    f"{SLUG}/rooms/api_ninja.py": API == "ninja",
    f"{SLUG}/rooms/checks.py": USE_CHANNELS,
    f"{SLUG}/rooms/consumers.py": USE_CHANNELS,
    f"{SLUG}/rooms/groups.py": USE_CHANNELS,
    f"{SLUG}/rooms/redis_layer.py": USE_CHANNELS and USE_REDIS,
    f"{SLUG}/rooms/routing.py": USE_CHANNELS,
    f"{SLUG}/rooms/schemas.py": API != "django",
    f"{SLUG}/rooms/static/rooms/live.js": USE_CHANNELS,
    # FastAPI's docs page and its script.
    "static/api": API == "fastapi",
    "templates/api": API == "fastapi",
    "tests/communicators.py": USE_CHANNELS,
    "tests/plugins/channel_layers.py": USE_CHANNELS,
    "tests/plugins/postgresql.py": POSTGRESQL,
    "tests/plugins/redis_service.py": USE_REDIS,
    "tests/plugins/sqlite.py": not POSTGRESQL,
    "tests/test_channel_layer.py": USE_CHANNELS,
    "tests/test_consumers.py": USE_CHANNELS,
    "tests/test_cross_process.py": USE_CHANNELS and USE_REDIS,
    "tests/test_api_fastapi.py": API == "fastapi",
    "tests/test_api_schema.py": API != "django",
    "tests/test_e2e_api_docs.py": API != "django",
    "tests/test_e2e_http.py": not USE_CHANNELS,
    "tests/test_e2e_live.py": USE_CHANNELS,
    "tests/test_hypercorn.py": ASGI_SERVER == "hypercorn",
    "tests/test_in_memory_layer.py": USE_CHANNELS and not USE_REDIS,
    "tests/test_postgresql.py": POSTGRESQL,
    "tests/test_redis.py": USE_REDIS,
    "tests/test_redis_layer.py": USE_CHANNELS and USE_REDIS,
    "tests/test_websocket_closer.py": USE_CHANNELS,
    "tests/test_websocket_limits.py": USE_CHANNELS,
    "tests/test_websocket_server.py": USE_CHANNELS,
}


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


# The secrets .env.example leaves for each project to make: a fresh value each.
SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD")


def write_env(root: Path) -> None:
    """Make the git-ignored .env from the committed .env.example, with fresh secrets.

    Readable by its owner only: it holds the keys.
    """
    lines = []
    for line in (root / ".env.example").read_text().splitlines():
        name = line.partition("=")[0]
        lines.append(f"{name}={secrets.token_urlsafe(50)}" if name in SECRETS else line)
    env = root / ".env"
    env.touch(mode=0o600)
    env.chmod(0o600)  # touch leaves the mode of a file that was already there
    env.write_text("\n".join(lines) + "\n")


def next_steps() -> str:
    steps = [
        (f"cd {SLUG}", ""),
        ("uv sync", "the virtualenv, and uv.lock: commit it"),
        *([(f"createdb {SLUG}", "PostgreSQL: see README.md, Services")] if POSTGRESQL else []),
        *([("redis-server --daemonize yes", "Redis: see README.md, Services")] if USE_REDIS else []),
        ("uv run manage.py migrate", ""),
        ("uv run bin/serve dev", "http://127.0.0.1:8000"),
        ("uv run pytest", ""),
    ]
    width = max(len(command) for command, _ in steps)
    lines = [f"  {command:<{width}}  # {why}" if why else f"  {command}" for command, why in steps]
    return "\n".join(["", "Next steps:", *lines, "README.md has the rest."])


def main() -> None:
    root = Path.cwd()
    for relative, keep in OPTIONAL_PATHS.items():
        if not keep:
            remove(root / relative)
    write_env(root)
    print(next_steps())


if __name__ == "__main__":
    main()
