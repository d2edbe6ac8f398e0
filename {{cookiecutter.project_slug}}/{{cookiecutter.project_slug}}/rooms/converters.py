"""`<room:slug>` in URL patterns: only slugs a Room can have, so no other path reaches a view."""

from .slugs import SLUG_MAX_LENGTH, SLUG_PATTERN


class RoomSlugConverter:
    regex = SLUG_PATTERN

    def to_python(self, value: str) -> str:
        if len(value) > SLUG_MAX_LENGTH:
            raise ValueError(value)  # Django reads ValueError as "no match": a 404
        return value

    def to_url(self, value: str) -> str:
        return value
