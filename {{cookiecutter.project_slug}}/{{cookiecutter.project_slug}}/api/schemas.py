"""The API's error shape, as the OpenAPI schema describes it."""

from pydantic import BaseModel, Field


class Errors(BaseModel):
    """Messages by field; `__all__` holds those about the request as a whole."""

    errors: dict[str, list[str]] = Field(examples=[{"text": ["Write a message."]}])
