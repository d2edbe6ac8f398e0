"""Posting a message, the one way into a room: used by the HTTP API{% if cookiecutter.use_channels %} and the WebSocket consumer{% endif %}."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError

{% if cookiecutter.use_channels -%}
from .groups import broadcast
{% endif -%}
from .models import MAX_MESSAGE_LENGTH, Message, Room
from .slugs import SLUG_RULE, is_room_slug


def clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError({"text": ["Write a message: the text must not be empty."]})
    # JSON can carry both, and neither can be stored: PostgreSQL refuses NUL in text, and a lone
    # surrogate (from an escape such as "\ud800") cannot be encoded as UTF-8.
    if "\x00" in text or not is_utf8_encodable(text):
        raise ValidationError({"text": ["The text holds characters that cannot be stored."]})
    text = text.strip()
    if len(text) > MAX_MESSAGE_LENGTH:
        too_long = f"Keep it to {MAX_MESSAGE_LENGTH:,} characters (this one has {len(text):,})."
        raise ValidationError({"text": [too_long]})
    return text


def is_utf8_encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def clean_room_slug(slug: str) -> str:
    if not is_room_slug(slug):
        raise ValidationError({"room": [SLUG_RULE]})
    return slug


async def post_message(room_slug: str, author: AbstractBaseUser | None, text: object) -> Message:
    """Store a message in its room, made on first use; `author` None for an anonymous one.

    The caller has asked rooms.permissions whether this author may post. Raises
    ValidationError with a message per field ("room", "text") when the input is wrong.
    """
    room_slug = clean_room_slug(room_slug)
    text = clean_text(text)
    room, _ = await Room.objects.aget_or_create(slug=room_slug)
    message = await Message.objects.acreate(room=room, author=author, text=text)
{%- if cookiecutter.use_channels %}
    await broadcast(message, room_slug)
{%- endif %}
    return message
