"""Who may post in a room: decided here, once, for the page, the API{% if cookiecutter.use_channels %} and the WebSocket{% endif %}.

Reading a room is public. Posting needs a logged-in user unless ROOMS_ALLOW_ANONYMOUS lets
visitors post too.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

# The API's answer to a visitor who may not post.
LOGIN_TO_POST = "Log in to post in this room."


def may_post(user: AbstractBaseUser | AnonymousUser) -> bool:
{%- if cookiecutter.use_channels %}
    """Also whether the user may open a room's WebSocket, which is for members who post: a
    visitor refused there still reads the room over HTTP."""
{%- endif %}
    return user.is_authenticated or settings.ROOMS_ALLOW_ANONYMOUS
