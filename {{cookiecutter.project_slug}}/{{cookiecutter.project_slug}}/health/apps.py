from django.apps import AppConfig


class HealthConfig(AppConfig):
    """/health/: its dependency checks, its view, and the middleware that answers it first."""

    name = "{{ cookiecutter.project_slug }}.health"
{%- if cookiecutter.database == "postgresql" %}

    def ready(self) -> None:
        # Registers the check that names why PostgreSQL refuses a connection (migrate runs it).
        from . import postgresql  # noqa: F401
{%- endif %}
