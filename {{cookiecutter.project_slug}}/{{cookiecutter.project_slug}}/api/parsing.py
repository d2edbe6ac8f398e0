"""Request bodies: the JSON object an API write expects, or the error that says what to send.

Parsed strictly (strict_json.py): a hostile document is a 400 like any other bad body.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

from {{ cookiecutter.project_slug }}.strict_json import InvalidJSON, loads

from .errors import ApiError

SEND_AN_OBJECT = 'Send a JSON object, such as {"text": "hello"}.'


def too_big() -> ApiError:
    """The answer to a body over DATA_UPLOAD_MAX_MEMORY_SIZE, which Django refuses to read."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return ApiError.about_request(413, f"Send at most {limit:,} bytes.")


def read_body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise too_big() from None


def read_json_object(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object; not strict JSON or not an object, a 400."""
    try:
        payload = loads(read_body(request))
    except InvalidJSON as error:
        raise ApiError.about_request(400, f"{SEND_AN_OBJECT} {error}") from None
    if not isinstance(payload, dict):
        raise ApiError.about_request(400, SEND_AN_OBJECT)
    return payload
