from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from .slugs import SLUG_MAX_LENGTH, slug_validator

MAX_MESSAGE_LENGTH = 2000
# The name a message without an author shows.
ANONYMOUS = "anonymous"


def display_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """How an author is named in a room: the username; "anonymous" when not logged in."""
    return user.get_username() if user is not None and user.is_authenticated else ANONYMOUS


class Room(models.Model):
    """A named place where people talk; made on first use."""

    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True, validators=[slug_validator])
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    # None for a visitor who was not logged in (ROOMS_ALLOW_ANONYMOUS). A deleted account takes
    # its messages with it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    text = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{display_name(self.author)}: {self.text[:50]}"

    def as_dict(self, room_slug: str) -> dict[str, Any]:
        """The JSON shape shared by the HTTP API and the WebSocket consumer.

        Load the author with the message (`select_related("author")`): async code cannot
        fetch it here.
        """
        return {
            "id": self.pk,
            "room": room_slug,
            "author": display_name(self.author),
            "text": self.text,
            "created": self.created.isoformat(),
        }
