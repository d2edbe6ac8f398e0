"""The API's OpenAPI schema and docs page, and the real server held to that schema.

Schemathesis generates requests from the schema the server publishes and checks every answer
against it: no 5xx, only documented statuses and content types, bodies as described.
"""

import re

import pytest
import requests
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_client import CSRF_SECRET, api_client
from tests.server import Server, logged_in_session

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = "/api/rooms/{slug}/messages/"
# Examples per operation: enough to reach every kind of answer, a few seconds in all.
EXAMPLES = 25
# No 5xx; only the statuses and content types the schema declares; bodies as it describes them.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


async def test_the_schema_declares_every_status_the_api_answers():
    async with api_client() as api:
        response = await api.get("/api/openapi.json")
    schema = response.json()

    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    statuses = {
        (method, path): set(operation["responses"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    # Invalid input is a 400 in the API's shape, never the frameworks' own 422.
    assert statuses == {
        ("get", MESSAGES): {"200", "400", "404"},
        ("post", MESSAGES): {"201", "400", "403", "413", "429"},
    }
    errors = schema["components"]["schemas"]["Errors"]
    assert errors["properties"]["errors"]["additionalProperties"]["items"]["type"] == "string"


async def test_the_docs_page_loads_only_the_sites_own_files():
    async with api_client() as api:
        page = await api.get("/api/docs")

    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert sources
    assert all(source.startswith(settings.STATIC_URL) for source in sources), sources
    # Every script is a file (or inert JSON data): a Content-Security-Policy allows no inline one.
    for tag in re.findall(r"<script\b[^>]*>", page.text):
        assert " src=" in tag or 'type="application/json"' in tag, tag


@pytest.fixture
def logged_in(shared_server: Server) -> requests.Session:
    """A browser's session on the real server: logged in, with the CSRF cookie and token."""
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, logged_in_session(shared_server.env, "ada"))
    session.cookies.set(settings.CSRF_COOKIE_NAME, CSRF_SECRET)
    session.headers["X-CSRFToken"] = CSRF_SECRET
    return session


def test_the_real_server_keeps_to_its_schema(shared_server: Server, logged_in: requests.Session):
    # The schema as the server publishes it. (Schemathesis's pytest loaders for a schema known
    # only at run time need pytest's private Item._nodeid, gone from pytest 9.)
    schema = schemathesis.openapi.from_url(f"{shared_server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]

    assert {(operation.method, operation.path) for operation in operations} == {
        ("get", MESSAGES),
        ("post", MESSAGES),
    }
    for operation in operations:
        generate_and_check(operation, shared_server.url, logged_in)


def generate_and_check(
    operation: schemathesis.APIOperation, base_url: str, session: requests.Session
) -> None:
    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same requests every run
        database=None,  # no .hypothesis/ directory in the project
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base_url, session=session, checks=CHECKS)

    check()
