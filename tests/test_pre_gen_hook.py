"""Every invalid answer stops the bake with one sentence naming the field, and leaves nothing."""

import pytest
from cookiecutter.exceptions import FailedHookException

INVALID = [
    ("project_slug", "1project", "lowercase Python identifier"),
    ("project_slug", "my-project", "lowercase Python identifier"),
    ("project_slug", "My_Project", "lowercase Python identifier"),
    ("project_slug", "class", "keyword"),
    ("project_slug", "match", "keyword"),
    ("project_slug", "django", "shadow"),
    ("project_slug", "config", "shadow"),
    ("project_slug", "tests", "shadow"),
    ("project_slug", "asyncio", "shadow"),
    ("project_slug", "channels", "shadow"),
    ("email", "not-an-email", "email"),
    ("email", "you@localhost", "email"),
    ("domain_name", "https://example.com", "hostname"),
    ("domain_name", "localhost", "hostname"),
    ("domain_name", "-bad.example.com", "hostname"),
    ("version", "latest", "PEP 440"),
    ("version", "1..0", "PEP 440"),
]
IDS = [f"{field}={value}" for field, value, _ in INVALID]


@pytest.mark.parametrize(("field", "value", "rule"), INVALID, ids=IDS)
def test_invalid_answer_is_refused(bake, tmp_path, capfd, field, value, rule):
    result = bake(**{field: value})

    assert result.exit_code == -1
    assert isinstance(result.exception, FailedHookException)
    message = [line for line in capfd.readouterr().out.splitlines() if line.startswith("ERROR")]
    assert len(message) == 1, message
    assert field in message[0]
    assert repr(value) in message[0]
    assert rule in message[0]
    assert list((tmp_path / "cookies").rglob("*")) == [tmp_path / "cookies" / "bake00"]


def test_every_invalid_answer_is_reported_at_once(bake, capfd):
    result = bake(project_slug="class", email="nobody", domain_name="localhost", version="latest")

    assert result.exit_code == -1
    errors = [line for line in capfd.readouterr().out.splitlines() if line.startswith("ERROR")]
    assert [line.split()[1] for line in errors] == [
        "project_slug",
        "email",
        "domain_name",
        "version",
    ]


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Café Chat!", "cafe_chat"), ("my-project.io", "my_project_io"), ("Zulu Chat", "zulu_chat")],
)
def test_the_default_slug_is_the_name_as_a_python_identifier(bake, name, slug):
    result = bake(project_name=name)
    assert result.exit_code == 0, result.exception
    assert result.project_path.name == slug


@pytest.mark.parametrize("name", ["2048 Game", "!!!"])
def test_a_name_that_gives_no_identifier_is_refused_in_one_sentence(bake, capfd, name):
    result = bake(project_name=name)

    assert result.exit_code == -1
    [message] = [line for line in capfd.readouterr().out.splitlines() if line.startswith("ERROR")]
    assert message.startswith("ERROR: project_slug ")
    assert "must be a lowercase Python identifier" in message


def test_valid_unusual_answers_bake(bake):
    result = bake(
        project_slug="shop2",
        email="a.b+c@mail.example.org",
        domain_name="my-site.example",
        version="1.0.0rc1",
    )
    assert result.exit_code == 0, result.exception
    assert result.project_path.name == "shop2"
