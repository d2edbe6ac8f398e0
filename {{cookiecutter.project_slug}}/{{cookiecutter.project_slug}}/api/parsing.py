"""Request bodies: the JSON object an API write expects, or a 400 that says what to send."""

import json
from typing import Any

from .errors import ApiError

NOT_AN_OBJECT = 'Send a JSON object, such as {"text": "hello"}.'


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; not JSON, not UTF-8 or not an object, it is a 400."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        payload = None
    if not isinstance(payload, dict):
        raise ApiError.about_request(400, NOT_AN_OBJECT)
    return payload
