from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.rooms"
