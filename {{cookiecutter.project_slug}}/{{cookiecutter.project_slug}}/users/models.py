from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user (AUTH_USER_MODEL), Django's fields as they are.

    A model of the project's own from the first migration, so that fields can be added later
    without the migration Django cannot make once users exist.
    """
