from django.apps import AppConfig


class HealthConfig(AppConfig):
    """/health/: its dependency checks, its view, and the middleware that answers it first."""

    name = "{{ cookiecutter.project_slug }}.health"
