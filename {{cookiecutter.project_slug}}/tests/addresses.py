"""Client addresses for tests that count per client (rate limits, connection limits)."""

import random


def an_address() -> str:
    """A client address of the test's own (only ever a string: no packet goes there)."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
