"""`<room:slug>` in URLs: only slugs a Room can have, so no other path reaches a view."""

from .models import Room

SLUG_MAX_LENGTH = Room._meta.get_field("slug").max_length


class RoomSlugConverter:
    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value: str) -> str:
        if len(value) > SLUG_MAX_LENGTH:
            raise ValueError(value)  # Django reads ValueError as "no match": a 404
        return value

    def to_url(self, value: str) -> str:
        return value
