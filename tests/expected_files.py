"""Which paths each combination of options must produce, written out by hand."""

from matrix.options import Options


def expected_paths(options: Options, slug: str) -> dict[str, bool]:
    """Which paths these options must produce (True) or leave out (False).

    Written out here rather than read from the post-generation hook's table, which it checks:
    every path in OPTIONAL_PATHS is listed below, and a change to one list is a change to both.
    """
    channels, redis = options["use_channels"], options["use_redis"]
    postgresql = options["database"] == "postgresql"
    server = options["asgi_server"]
    api = options["api_framework"]
    always = [
        ".env", ".env.example", ".gitignore", ".python-version", "README.md", "pyproject.toml",
        "manage.py",
        "bin/serve", "config/asgi.py", "config/urls.py", "config/mail.py",
        *(f"config/settings/{name}.py" for name in ("base", "local", "production", "test")),
        f"{slug}/log_format.py", f"{slug}/rate_limits.py", f"{slug}/strict_json.py",
        f"{slug}/auth_backends.py",
        *(f"{slug}/asgi/{name}.py" for name in ("handler", "interface", "lifespan")),
        *(f"{slug}/health/{name}.py" for name in ("apps", "checks", "middleware", "views")),
        *(
            f"{slug}/middleware/{name}.py"
            for name in (
                "apps", "base", "django_async_native", "loop_block", "request_id",
                "security_checks", "server_timing",
            )
        ),
        *(f"{slug}/api/{name}.py" for name in ("__init__", "errors", "pages", "parsing")),
        *(
            f"{slug}/rooms/{name}.py"
            for name in (
                "models", "services", "endpoints", "views", "urls", "slugs", "converters",
                "permissions", "admin",
            )
        ),
        f"{slug}/tasks.py",
        *(
            f"{slug}/users/{name}.py"
            for name in ("apps", "models", "admin", "forms", "views", "urls", "tasks")
        ),
        f"{slug}/users/migrations/0001_initial.py",
        "static/site.css",
        *(f"templates/{name}.html" for name in ("base", "home", "404", "500")),
        "tests/conftest.py", "tests/server.py", "tests/server_behaviour.py",
        "tests/middleware_stacks.py", "tests/production.py", "tests/plugins/browser.py",
        "tests/test_shutdown.py", "tests/test_health.py", "tests/test_pages.py",
        "tests/test_api_contract.py", "tests/addresses.py",
        "tests/strategies.py", "tests/test_rate_limits.py", "tests/test_e2e_pages.py",
        "tests/test_accounts.py", "tests/test_admin.py", "tests/test_tasks.py",
        "tests/test_worker.py", "tests/mail_server.py", "Procfile",
    ]  # fmt: skip
    return {
        **dict.fromkeys(always, True),
        f"{slug}/core": False,
        "LICENSE": options["open_source_license"] != "Not open source",
        "Dockerfile": options["use_docker"],
        ".dockerignore": options["use_docker"],
        "compose.yaml": options["use_docker"],
        ".github": options["ci_tool"] == "github",
        ".gitlab-ci.yml": options["ci_tool"] == "gitlab",
        "config/gunicorn_worker.py": channels and server == "uvicorn",
        "config/hypercorn.py": server == "hypercorn",
        "config/daphne_server.py": server == "daphne",
        "config/daphne_launcher.py": False,
        "config/launcher.py": server in ("daphne", "hypercorn"),
        f"{slug}/api/fastapi_app.py": api == "fastapi",
        f"{slug}/api/fastapi_dependencies.py": api == "fastapi",
        f"{slug}/api/ninja_api.py": api == "ninja",
        f"{slug}/api/schemas.py": api != "django",
        f"{slug}/asgi/allowed_origins.py": channels,
        f"{slug}/asgi/connection_limit.py": channels,
        f"{slug}/asgi/django_scope.py": api == "fastapi",
        f"{slug}/asgi/router.py": not channels,
        f"{slug}/asgi/websocket_closer.py": channels,
        f"{slug}/health/postgresql.py": postgresql,
        f"{slug}/health/redis_check.py": redis,
        f"{slug}/middleware/content_security_policy.py": options["django_version"] == "5.2",
        f"{slug}/rooms/api.py": api == "django",
        f"{slug}/rooms/api_fastapi.py": api == "fastapi",
        f"{slug}/rooms/api_ninja.py": api == "ninja",
        f"{slug}/rooms/checks.py": channels,
        f"{slug}/rooms/consumers.py": channels,
        f"{slug}/rooms/groups.py": channels,
        f"{slug}/rooms/redis_layer.py": channels and redis,
        f"{slug}/rooms/routing.py": channels,
        f"{slug}/rooms/schemas.py": api != "django",
        f"{slug}/rooms/static/rooms/live.js": channels,
        "static/api": api == "fastapi",
        "static/api/docs.js": api == "fastapi",
        "templates/api": api == "fastapi",
        "templates/api/docs.html": api == "fastapi",
        "tests/communicators.py": channels,
        "tests/plugins/channel_layers.py": channels,
        "tests/plugins/postgresql.py": postgresql,
        "tests/plugins/redis_service.py": redis,
        "tests/plugins/sqlite.py": not postgresql,
        "tests/test_channel_layer.py": channels,
        "tests/test_consumers.py": channels,
        "tests/test_cross_process.py": channels and redis,
        "tests/test_api_fastapi.py": api == "fastapi",
        "tests/test_api_schema.py": api != "django",
        "tests/test_e2e_api_docs.py": api != "django",
        "tests/test_e2e_http.py": not channels,
        "tests/test_e2e_live.py": channels,
        "tests/test_hypercorn.py": server == "hypercorn",
        "tests/test_in_memory_layer.py": channels and not redis,
        "tests/test_postgresql.py": postgresql,
        "tests/test_redis.py": redis,
        "tests/test_redis_layer.py": channels and redis,
        "tests/test_websocket_closer.py": channels,
        "tests/test_websocket_limits.py": channels,
        "tests/test_websocket_server.py": channels,
    }
