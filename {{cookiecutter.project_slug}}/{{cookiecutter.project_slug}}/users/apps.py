from django.apps import AppConfig


class UsersConfig(AppConfig):
    """The project's user model, its admin, and the account pages under /accounts/."""

    name = "{{ cookiecutter.project_slug }}.users"
