"""The messages API's bodies, as the OpenAPI schema describes them.

Plain pydantic models, which both Django Ninja and FastAPI take. endpoints.py builds the
responses; the schema says what they hold, and the tests hold them to it.
"""

from datetime import datetime

from pydantic import BaseModel, Field, HttpUrl

from {{ cookiecutter.project_slug }}.api.pages import PAGE_SIZE

from .models import MAX_MESSAGE_LENGTH
from .slugs import SLUG_MAX_LENGTH, SLUG_PATTERN, SLUG_RULE

# For path parameters: the slugs a Room can have.
SLUG_SCHEMA = {
    "description": SLUG_RULE,
    "pattern": f"^{SLUG_PATTERN}$",
    "max_length": SLUG_MAX_LENGTH,
    "examples": ["lobby"],
}


class MessageIn(BaseModel):
    # services.clean_text enforces the length once the text is trimmed; the schema says it.
    text: str = Field(
        description=f"Not blank, and up to {MAX_MESSAGE_LENGTH:,} characters once trimmed.",
        json_schema_extra={"maxLength": MAX_MESSAGE_LENGTH},
        examples=["hello"],
    )


class MessageOut(BaseModel):
    id: int
    room: str
    author: str = Field(description='The poster\'s username, or "anonymous".')
    text: str
    created: datetime


class MessagePage(BaseModel):
    count: int = Field(description="Messages in the room, on every page.")
    next: HttpUrl | None
    previous: HttpUrl | None
    results: list[MessageOut] = Field(description=f"Newest first, up to {PAGE_SIZE}.")
