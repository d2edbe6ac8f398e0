"""Production on the in-memory channel layer: one server process is fine, more are warned of."""

import re

from tests.production import PRODUCTION_ENV, run


def test_production_warns_that_the_in_memory_layer_cannot_span_processes():
    result = run("manage.py", "check", "--deploy", **{**PRODUCTION_ENV, "WEB_CONCURRENCY": "2"})

    issues = re.findall(r"^\?: \((\S+)\)", result.stderr, re.MULTILINE)
    assert issues == ["core.W001"], result.stderr
