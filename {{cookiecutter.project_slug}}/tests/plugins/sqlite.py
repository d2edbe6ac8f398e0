"""The tests' SQLite databases."""

import pytest

from tests.server import free_port


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real servers' database: the tests' own lives in memory, so they get a file."""
    return f"sqlite:///{tmp_path_factory.mktemp('live-database') / 'db.sqlite3'}"


@pytest.fixture
def unreachable_database_url() -> str:
    """An SQLite URL no file can be made at, with a "password" in it that must never be shown."""
    return f"sqlite:////nonexistent-{free_port()}/db-password/db.sqlite3"


def production_database_env() -> dict[str, str]:
    """Nothing: production settings fall back to a file in the project."""
    return {}
