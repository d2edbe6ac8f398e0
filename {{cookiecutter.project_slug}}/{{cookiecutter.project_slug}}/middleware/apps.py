from django.apps import AppConfig


class MiddlewareConfig(AppConfig):
    """The project's middleware, and Django's own made async-native."""

    name = "{{ cookiecutter.project_slug }}.middleware"

    def ready(self) -> None:
        from .security_checks import run_django_security_checks_on_our_middleware

        run_django_security_checks_on_our_middleware()
