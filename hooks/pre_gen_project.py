"""Reject answers that would bake a broken project, before anything is written.

Every invalid answer is reported, one sentence each naming the field, the value and the rule;
then the hook exits 1 and cookiecutter removes the half-made project directory.
"""

import keyword
import re
import sys

# Modules the generated project imports (or that pytest and Python use by these names):
# a package of the same name would shadow them.
SHADOWED_MODULES = frozenset(
    {
        "asgiref", "asyncio", "channels", "channels_redis", "config", "daphne",
        "dj_database_url", "django", "drf_spectacular_sidecar", "environ", "fastapi",
        "granian", "gunicorn", "httpx", "hypercorn", "hypothesis", "json", "logging",
        "manage", "ninja", "playwright", "psycopg", "psycopg_pool", "pydantic", "pytest",
        "pytest_django", "redis", "rooms", "schemathesis", "servestatic", "site",
        "starlette", "test", "tests", "typing", "uvicorn", "uvicorn_worker", "websockets",
    }
)  # fmt: skip

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# PEP 440's canonical public version scheme (packaging.version.VERSION_PATTERN, without local).
PEP440 = re.compile(
    r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*"
    r"((a|b|rc)(0|[1-9][0-9]*))?(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$"
)


def slug_error(slug: str) -> str | None:
    if not slug:
        return "is empty: give a project_name with letters, or a project_slug of your own"
    if not slug.isidentifier() or slug != slug.lower():
        return "must be a lowercase Python identifier (letters, digits and underscores, not starting with a digit)"
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return "must not be a Python keyword"
    if slug in SHADOWED_MODULES or slug in sys.stdlib_module_names:
        return "must not shadow a module the project imports"
    return None


def hostname_error(host: str) -> str | None:
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(HOSTNAME_LABEL.match(label) for label in labels):
        return "must be a lowercase hostname such as example.com, without scheme, port or path"
    return None


RULES = {
    "project_slug": slug_error,
    "email": lambda value: None if EMAIL.match(value) else "must look like name@example.com",
    "domain_name": hostname_error,
    "version": lambda value: None if PEP440.match(value) else "must be a PEP 440 version such as 0.1.0",
}


def errors(answers: dict[str, str]) -> list[str]:
    found = []
    for field, rule in RULES.items():
        if error := rule(answers[field]):
            found.append(f"ERROR: {field} {answers[field]!r} {error}.")
    return found


def main() -> None:
    answers = {
        "project_slug": {{ cookiecutter.project_slug | tojson }},
        "email": {{ cookiecutter.email | tojson }},
        "domain_name": {{ cookiecutter.domain_name | tojson }},
        "version": {{ cookiecutter.version | tojson }},
    }
    found = errors(answers)
    for line in found:
        print(line)
    if found:
        sys.exit(1)


if __name__ == "__main__":
    main()
