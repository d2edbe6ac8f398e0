"""JSON from clients, parsed strictly: a document the project could not store or send back is
refused with a reason, never a traceback.

Python's json module is lenient where a client can be hostile: it accepts NaN and Infinity,
which are not JSON; it turns a number too large for a float (1e400) into infinity; it keeps the
last of two equal keys, so two parsers can read one document differently; and a deeply nested
document raises RecursionError, which is not a ValueError. Each of these is an InvalidJSON here.
"""

import json
import math
from typing import Any


class InvalidJSON(ValueError):
    """A document the project refuses; the message says why, for the client."""


def _refuse_constant(name: str) -> Any:
    raise InvalidJSON(f"{name} is not a JSON number.")


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise InvalidJSON("A number is too large.")
    return number


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise InvalidJSON("An object has the same key twice.")
    return document


def loads(data: str | bytes) -> Any:
    """The document in `data` (bytes must be UTF-8); InvalidJSON if it is not strict JSON."""
    if isinstance(data, bytes):
        try:
            data = data.decode()
        except UnicodeDecodeError:
            raise InvalidJSON("It is not UTF-8 text.") from None
    try:
        return json.loads(
            data,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except InvalidJSON:
        raise
    except RecursionError:
        raise InvalidJSON("It is nested too deeply.") from None
    except ValueError:
        # JSONDecodeError, or an integer longer than Python converts (4,300 digits).
        raise InvalidJSON("It is not valid JSON.") from None
