"""Which paths each combination of options must produce, written out by hand."""

from matrix.options import Options


def expected_paths(options: Options, slug: str) -> dict[str, bool]:
    """Which paths these options must produce (True) or leave out (False).

    Written out here rather than read from the post-generation hook's table, which it checks.
    """
    channels, redis = options["use_channels"], options["use_redis"]
    always = [
        ".env", ".env.example", ".gitignore", ".python-version", "README.md", "pyproject.toml",
        "manage.py",
        "bin/serve", "config/asgi.py", "config/urls.py",
        *(f"config/settings/{name}.py" for name in ("base", "local", "production", "test")),
        f"{slug}/core/middleware.py", f"{slug}/core/async_django.py", f"{slug}/core/health.py",
        f"{slug}/core/logging.py", f"{slug}/core/views.py", f"{slug}/core/checks.py",
        f"{slug}/core/request_threads.py", f"{slug}/core/asgi_types.py",
        *(f"{slug}/rooms/{name}.py" for name in ("models", "services", "api", "views", "urls")),
        f"{slug}/rooms/slugs.py", f"{slug}/rooms/converters.py",
        "static/site.css", "templates/base.html", "templates/home.html", "tests/server.py",
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
        f"{slug}/core/going_away.py": channels,
        "config/gunicorn_worker.py": channels and options["asgi_server"] == "uvicorn",
        "config/hypercorn.py": options["asgi_server"] == "hypercorn",
        "config/daphne_launcher.py": options["asgi_server"] == "daphne",
        "tests/test_consumers.py": channels,
        "tests/test_cross_process.py": channels and redis,
        "tests/test_redis.py": redis,
    }
