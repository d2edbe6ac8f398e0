"""What a room's slug may be, said once: the model, the form, the URLs and the WebSocket route."""

import re

from django.core.validators import RegexValidator

# Lowercase letters and digits, words joined by single dashes: "lobby", "tea-time".
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_MAX_LENGTH = 50
# The one sentence a person who typed a bad name reads.
SLUG_RULE = (
    "Room names are lowercase letters and digits, with single dashes between words, "
    f"up to {SLUG_MAX_LENGTH} characters."
)

slug_validator = RegexValidator(
    f"^{SLUG_PATTERN}$", "Use lowercase letters, digits and single dashes."
)


def is_room_slug(value: str) -> bool:
    return len(value) <= SLUG_MAX_LENGTH and re.fullmatch(SLUG_PATTERN, value) is not None
