from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.core"

    def ready(self) -> None:
        from . import checks

        checks.run_django_security_checks_on_our_middleware()
