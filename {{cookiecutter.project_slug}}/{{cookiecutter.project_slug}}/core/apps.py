from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.core"
{%- if cookiecutter.use_channels %}

    def ready(self) -> None:
        from . import checks  # noqa: F401  (importing registers the system checks)
{%- endif %}
