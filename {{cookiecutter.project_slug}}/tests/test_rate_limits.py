"""Rate limits (rate_limits.py): the counting, the client address, and the log-in.

The API's writes are limited in every framework's way of serving it: test_api_contract.py.

The cache outlives a test: each test counts under keys and client addresses of its own.
"""

import asyncio
import logging
import time
import uuid

import pytest
from django.contrib.auth import aauthenticate, get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import AsyncClient, RequestFactory

from {{ cookiecutter.project_slug }} import rate_limits

from tests.addresses import an_address

LIMITER_LOGGER = "{{ cookiecutter.project_slug }}.rate_limits"


def fresh_key() -> str:
    return rate_limits.cache_key("test", uuid.uuid4().hex)


async def post_from(address: str, path: str, data: dict) -> HttpResponse:
    """POST a form as a client at this address, through the proxy."""
    return await AsyncClient().post(path, data, headers={"X-Forwarded-For": address})


# --- counting ------------------------------------------------------------------------------


@pytest.mark.usefixtures("still_clock")
def test_hits_within_the_rate_pass_and_the_next_does_not():
    key = fresh_key()

    counts = [rate_limits.hit(key, (3, 60)) for _ in range(4)]

    assert [count.allowed for count in counts] == [True, True, True, False]
    assert [count.hits for count in counts] == [1, 2, 3, 4]
    assert 1 <= counts[-1].retry_after <= 60
    # Looking does not count.
    assert rate_limits.count(key, (3, 60)).hits == 4


@pytest.mark.usefixtures("still_clock")
async def test_concurrent_hits_all_count():
    # Django's aincr reads then writes on 5.2 and 6.0: concurrent hits would be lost.
    key = fresh_key()

    counts = await asyncio.gather(*(rate_limits.ahit(key, (100, 60)) for _ in range(50)))

    assert sorted(count.hits for count in counts) == list(range(1, 51))


def test_the_count_starts_again_with_the_next_window(monkeypatch: pytest.MonkeyPatch):
    key = fresh_key()
    now = time.time()
    monkeypatch.setattr(rate_limits.time, "time", lambda: now)
    assert rate_limits.hit(key, (1, 60)).allowed
    assert not rate_limits.hit(key, (1, 60)).allowed

    monkeypatch.setattr(rate_limits.time, "time", lambda: now + 60)
    assert rate_limits.hit(key, (1, 60)).allowed


def test_connection_slots_are_taken_and_given_back():
    key = fresh_key()

    assert rate_limits.open_connection(key, 2)
    assert rate_limits.open_connection(key, 2)
    assert not rate_limits.open_connection(key, 2)
    rate_limits.close_connection(key)
    assert rate_limits.open_connection(key, 2)
    assert not rate_limits.open_connection(key, 2)


def test_while_the_cache_fails_everyone_passes_and_it_is_logged_once(
    settings, caplog: pytest.LogCaptureFixture
):
    working = settings.CACHES
    # A file where the cache wants its directory: every write fails.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": "/dev/null/cache",
        }
    }
    key = fresh_key()
    with caplog.at_level(logging.WARNING, logger=LIMITER_LOGGER):
        counts = [rate_limits.hit(key, (1, 60)) for _ in range(3)]
        assert rate_limits.open_connection(key, 1)
        settings.CACHES = working
        rate_limits.hit(fresh_key(), (1, 60))

    assert all(count.allowed for count in counts)
    levels = [record.levelname for record in caplog.records if record.name == LIMITER_LOGGER]
    assert levels == ["ERROR", "WARNING"], "logged when the outage starts and when it ends"


# --- the client address --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded_for", "client"),
    [
        # No trusted proxy: the header is the client's own words, and ignored.
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Behind a trusted proxy: the address it appended, whatever the client wrote before it.
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        # A chain of trusted proxies, named by network.
        (["10.0.0.0/8"], "10.0.0.1", "198.51.100.1, 10.0.0.2", "198.51.100.1"),
        # A request that did not come through the proxy.
        (["10.0.0.0/8"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # The proxy added no header.
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
        # IPv6: counted by /64, which one subscriber holds.
        ([], "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),
        ([], "::ffff:198.51.100.1", "", "198.51.100.1"),
        ([], "", "", "unknown"),
    ],
    ids=[
        "no-proxy", "proxy", "proxy-chain", "around-the-proxy", "no-header", "ipv6",
        "ipv4-mapped", "no-address",
    ],
)  # fmt: skip
def test_the_client_address(settings, trusted, peer, forwarded_for, client):
    settings.TRUSTED_PROXIES = trusted

    assert rate_limits.forwarded_client(peer, forwarded_for) == client


def test_the_client_address_of_a_request_and_of_a_socket(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9")
    scope = {
        "client": ["127.0.0.1", 50000],
        "headers": [(b"x-forwarded-for", b"6.6.6.6"), (b"x-forwarded-for", b"192.0.2.9")],
    }

    assert rate_limits.request_client(request) == "192.0.2.9"
    # Two headers read as one list, as HTTP says.
    assert rate_limits.scope_client(scope) == "192.0.2.9"


def test_a_malformed_trusted_proxy_is_refused(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]

    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        rate_limits.forwarded_client("10.0.0.1", "")


# --- log-ins -------------------------------------------------------------------------------


@pytest.fixture
def staff_user(transactional_db: None) -> tuple[str, str]:
    username, password = f"staff-{uuid.uuid4().hex[:8]}", "correct horse battery staple"
    get_user_model().objects.create_user(username, password=password, is_staff=True)
    return username, password


async def admin_login(address: str, username: str, password: str) -> int:
    data = {"username": username, "password": password, "next": "/admin/"}
    return (await post_from(address, "/admin/login/", data)).status_code


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("still_clock")
async def test_the_admin_refuses_a_guesser_and_not_others(
    settings, behind_a_proxy: None, staff_user: tuple[str, str], caplog
):
    settings.RATE_LIMIT_LOGIN_FAILURES = (3, 900)
    username, password = staff_user
    guesser, owner = an_address(), an_address()

    guesses = [await admin_login(guesser, username, f"guess {n}") for n in range(3)]
    with caplog.at_level(logging.WARNING, logger="{{ cookiecutter.project_slug }}.auth_backends"):
        # Past the limit even the right password is refused, unchecked.
        right_too_late = await admin_login(guesser, username, password)
    owners = await admin_login(owner, username, password)

    assert guesses == [200, 200, 200], "the form again, with its error"
    assert right_too_late == 200
    assert f"Too many failed log-ins from {guesser}" in caplog.text
    assert owners == 302, "logged in, redirected to the admin"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("still_clock")
async def test_the_account_log_in_page_refuses_a_guesser_and_not_others(
    settings, behind_a_proxy: None, staff_user: tuple[str, str]
):
    settings.RATE_LIMIT_LOGIN_FAILURES = (2, 900)
    username, password = staff_user
    guesser, owner = an_address(), an_address()

    def log_in(address: str, password: str):
        return post_from(address, "/accounts/login/", {"username": username, "password": password})

    guesses = [(await log_in(guesser, "wrong")).status_code for _ in range(2)]
    right_too_late = await log_in(guesser, password)
    owners = await log_in(owner, password)

    assert guesses == [200, 200]
    assert right_too_late.status_code == 200
    assert owners.status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("still_clock")
async def test_aauthenticate_is_throttled_too(settings, staff_user):
    settings.RATE_LIMIT_LOGIN_FAILURES = (2, 900)
    username, password = staff_user
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=an_address())

    failures = [await aauthenticate(request, username=username, password="wrong") for _ in range(2)]
    refused = await aauthenticate(request, username=username, password=password)

    assert failures == [None, None]
    assert refused is None
    other_request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=an_address())
    assert await aauthenticate(other_request, username=username, password=password) is not None
