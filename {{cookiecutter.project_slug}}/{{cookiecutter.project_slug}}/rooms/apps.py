from django.apps import AppConfig
from django.urls import register_converter

from .converters import RoomSlugConverter


class RoomsConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.rooms"

    def ready(self) -> None:
        # `<room:slug>` in URL patterns, registered once for every URLconf that uses it.
        register_converter(RoomSlugConverter, "room")
{%- if cookiecutter.use_channels %}
        # Registers the channel layer's deployment check.
        from . import checks  # noqa: F401
{%- endif %}
