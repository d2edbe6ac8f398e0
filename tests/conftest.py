"""Session-wide services and the matrix summary; the machinery itself lives in tests/matrix/."""

import os
import tempfile
from pathlib import Path

import pytest

from matrix import manifest, session, summary, tier1
from matrix.options import check_keys
from matrix.services import Postgres, Redis

SERVICES = pytest.StashKey[list]()


def pytest_configure(config: pytest.Config) -> None:
    # Only the controller: xdist workers inherit the session dir and the services' URLs.
    if hasattr(config, "workerinput"):
        return
    directory = session.make()
    os.environ[session.SESSION_DIR] = str(directory)
    # Every process's temporary files go in the session's scratch dir (in memory where there is
    # room), removed at the end: cookiecutter leaves each rendered hook script behind (pytest-
    # cookies' bakes), and a tree's suite its tmp paths.
    scratch = session.scratch() / "tmp"
    scratch.mkdir(mode=0o1777)
    scratch.chmod(0o1777)  # like /tmp (mkdir's mode is masked by the umask)
    os.environ["TMPDIR"] = tempfile.tempdir = str(scratch)
    services: list[Redis | Postgres] = []
    config.stash[SERVICES] = services
    # CI passes service containers in; otherwise start our own.
    if "MATRIX_REDIS_URL" not in os.environ:
        services.append(Redis(directory / "redis"))
        os.environ["MATRIX_REDIS_URL"] = services[-1].url
        os.environ["MATRIX_REDIS_DATABASES"] = str(Redis.DATABASES)
    if "MATRIX_DATABASE_URL" not in os.environ:
        services.append(Postgres(directory / "postgres"))
        os.environ["MATRIX_DATABASE_URL"] = services[-1].url


def pytest_unconfigure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    for service in config.stash.get(SERVICES, []):
        service.stop()
    session.remove(Path(os.environ.pop(session.SESSION_DIR)))


# The longest tests go first, so that at the end the short ones fill the workers' gaps rather
# than every worker but one waiting on a last tree.
LONGEST = ("test_matrix_tier2.py", "test_production_files.py", "test_defaults_suite.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in LONGEST)  # stable: same order on every worker


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    summary.TALLY.add(report)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    summary.TALLY.print(terminalreporter)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keep a fully passed tier 1 for the next session (the controller sees every report)."""
    if hasattr(session.config, "workerinput") or not manifest.written():
        return
    if summary.TALLY.passed_in_full("tier1", len(tier1.chunks(len(manifest.load())))):
        manifest.record_passed()


@pytest.fixture
def bake(cookies):
    """pytest-cookies' bake, refusing context keys that cookiecutter would silently ignore."""

    def bake(**context: object):
        return cookies.bake(extra_context=check_keys(context))

    return bake
