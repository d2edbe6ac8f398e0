from typing import Any

from django.db import models

from .slugs import SLUG_MAX_LENGTH, slug_validator

MAX_MESSAGE_LENGTH = 2000


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
    author = models.CharField(max_length=150)
    text = models.TextField(max_length=MAX_MESSAGE_LENGTH)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:50]}"

    def as_dict(self, room_slug: str) -> dict[str, Any]:
        """The JSON shape shared by the HTTP API and the WebSocket consumer."""
        return {
            "id": self.pk,
            "room": room_slug,
            "author": self.author,
            "text": self.text,
            "created": self.created.isoformat(),
        }
