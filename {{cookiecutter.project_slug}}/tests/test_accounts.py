"""The account pages under /accounts/, in-process; their mail through the immediate task backend."""

import logging
import re

import pytest
from django.contrib.auth import get_user_model, user_login_failed
from django.core import mail
from django.test import AsyncClient

from {{ cookiecutter.project_slug }}.tasks import TaskResultStatus
from {{ cookiecutter.project_slug }}.users.tasks import send_password_reset_mail, send_welcome_mail

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-9"
NEW_PASSWORD = "staple-lantern-orbit-4"
User = get_user_model()


def sign_up_data(username: str = "ada", **changes: str) -> dict[str, str]:
    data = {
        "username": username,
        "email": f"{username}@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **changes}


async def header_user(client: AsyncClient) -> str | None:
    """The name the site's header shows as logged in, or None."""
    html = (await client.get("/")).content.decode()
    found = re.search(r'<a class="user" [^>]*>([^<]+)</a>', html)
    return found[1] if found else None


async def test_the_sign_up_page_asks_for_username_email_and_the_password_twice(
    async_client: AsyncClient,
):
    html = (await async_client.get("/accounts/signup/")).content.decode()

    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


async def test_signing_up_logs_in_and_mails_a_welcome(
    async_client: AsyncClient, mailoutbox: list[mail.EmailMessage]
):
    response = await async_client.post("/accounts/signup/?next=/rooms/lobby/", sign_up_data("ada"))

    assert response.status_code == 302
    assert response["Location"] == "/rooms/lobby/"
    user = await User.objects.aget(username="ada")
    assert user.email == "ada@example.com"
    assert user.check_password(PASSWORD)
    assert await header_user(async_client) == "ada"
    [welcome] = mailoutbox
    assert welcome.to == ["ada@example.com"]
    assert welcome.subject.startswith("Welcome to ")
    assert "Hello ada," in welcome.body
    assert "http://testserver/" in welcome.body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"username": "ADA"}, "username", id="username-taken-in-another-case"),
        pytest.param({"email": ""}, "email", id="no-email"),
        pytest.param({"email": "not-an-address"}, "email", id="bad-email"),
        pytest.param({"password2": "something-else-1"}, "password2", id="passwords-differ"),
        pytest.param({"password1": "123", "password2": "123"}, "password2", id="weak-password"),
    ],
)
async def test_a_bad_sign_up_says_why_and_makes_no_account(
    async_client: AsyncClient, mailoutbox: list[mail.EmailMessage], changes: dict, field: str
):
    await User.objects.acreate_user("ada", "first@example.com", PASSWORD)

    response = await async_client.post(
        "/accounts/signup/", sign_up_data(**{"username": "new", **changes})
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert await User.objects.acount() == 1
    assert mailoutbox == []


@pytest.mark.usefixtures("unreachable_smtp")
async def test_a_sign_up_survives_a_mail_server_that_is_down(async_client: AsyncClient, caplog):
    with caplog.at_level(logging.ERROR):
        response = await async_client.post("/accounts/signup/", sign_up_data("ada"))

    assert response.status_code == 302
    assert await User.objects.filter(username="ada").aexists()
    assert await header_user(async_client) == "ada"
    # Django's tasks logger names the failed task by its id.
    [failure] = [r for r in caplog.records if "state=FAILED" in r.getMessage()]
    assert re.search(r"Task id=\S+ path=\S+\.send_welcome_mail state=FAILED", failure.getMessage())


async def test_logging_in_and_out(async_client: AsyncClient):
    await User.objects.acreate_user("ada", "ada@example.com", PASSWORD)

    page = await async_client.get("/accounts/login/?next=/rooms/lobby/")
    logged_in = await async_client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD, "next": "/rooms/lobby/"}
    )
    name_after_login = await header_user(async_client)
    refused_get = await async_client.get("/accounts/logout/")
    logged_out = await async_client.post("/accounts/logout/")

    assert page.status_code == 200
    assert 'name="next" value="/rooms/lobby/"' in page.content.decode()
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/rooms/lobby/"
    assert name_after_login == "ada"
    assert refused_get.status_code == 405
    assert logged_out.status_code == 302
    assert logged_out["Location"] == "/"
    assert await header_user(async_client) is None


async def test_a_wrong_password_is_refused_and_reported_with_the_request(
    async_client: AsyncClient,
):
    await User.objects.acreate_user("ada", "ada@example.com", PASSWORD)
    failures = []

    def failed(sender, credentials, request, **kwargs):
        failures.append((credentials["username"], request.path))

    user_login_failed.connect(failed)
    try:
        response = await async_client.post(
            "/accounts/login/", {"username": "ada", "password": "wrong-password"}
        )
    finally:
        user_login_failed.disconnect(failed)

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert await header_user(async_client) is None
    # What a log-in throttle listens to: every failure, with the request it came in.
    assert failures == [("ada", "/accounts/login/")]


async def test_an_empty_log_in_says_what_is_missing(async_client: AsyncClient):
    response = await async_client.post("/accounts/login/", {"username": "ada"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password"]


async def test_an_inactive_account_cannot_log_in(async_client: AsyncClient):
    await User.objects.acreate_user("ada", "ada@example.com", PASSWORD, is_active=False)

    response = await async_client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert await header_user(async_client) is None


@pytest.mark.parametrize(
    "next_page",
    ["https://evil.example/", "//evil.example/", "/accounts/login/", "/accounts/signup/?x=1"],
)
async def test_after_logging_in_only_a_page_of_this_site_is_next(
    async_client: AsyncClient, next_page: str
):
    await User.objects.acreate_user("ada", "ada@example.com", PASSWORD)

    response = await async_client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD, "next": next_page}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert await header_user(async_client) == "ada"


async def test_changing_the_password_keeps_the_user_logged_in(async_client: AsyncClient):
    user = await User.objects.acreate_user("ada", "ada@example.com", PASSWORD)
    await async_client.aforce_login(user)

    response = await async_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    assert await header_user(async_client) == "ada"
    await user.arefresh_from_db()
    assert user.check_password(NEW_PASSWORD)


async def test_changing_the_password_needs_a_logged_in_user(async_client: AsyncClient):
    response = await async_client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password_change/"


async def test_a_password_reset_by_mail(
    async_client: AsyncClient, mailoutbox: list[mail.EmailMessage]
):
    await User.objects.acreate_user("ada", "ada@example.com", PASSWORD)

    asked = await async_client.post("/accounts/password_reset/", {"email": "ADA@example.com"})
    [reset] = mailoutbox
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", reset.body)[1]
    form = await async_client.get(link, follow=True)
    done = await async_client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    used_again = await async_client.get(link, follow=True)
    logged_in = await async_client.post(
        "/accounts/login/", {"username": "ada", "password": NEW_PASSWORD}
    )

    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/password_reset/done/"
    assert reset.to == ["ada@example.com"]
    assert reset.subject.startswith("Set a new password on ")
    assert 'name="new_password1"' in form.content.decode()
    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"
    assert "This link no longer works" in used_again.content.decode()
    assert logged_in.status_code == 302


async def test_a_password_reset_does_not_tell_whether_an_address_has_an_account(
    async_client: AsyncClient, mailoutbox: list[mail.EmailMessage]
):
    await User.objects.acreate_user("ada", "ada@example.com", PASSWORD)

    known = await async_client.post("/accounts/password_reset/", {"email": "ada@example.com"})
    unknown = await async_client.post("/accounts/password_reset/", {"email": "bob@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]


async def test_the_header_names_the_user_and_shows_the_admin_link_to_staff_only(
    async_client: AsyncClient,
):
    anonymous = (await async_client.get("/")).content.decode()
    user = await User.objects.acreate_user("ada", "ada@example.com", PASSWORD)
    await async_client.aforce_login(user)
    member = (await async_client.get("/rooms/lobby/")).content.decode()
    user.is_staff = True
    await user.asave()
    staff = (await async_client.get("/")).content.decode()

    assert 'href="/accounts/login/?next=/"' in anonymous
    assert 'href="/accounts/signup/?next=/"' in anonymous
    assert 'href="/admin/"' not in anonymous
    assert '<a class="user"' in member
    assert 'action="/accounts/logout/"' in member
    assert 'href="/admin/"' not in member
    assert 'href="/admin/"' in staff


async def test_mail_tasks_for_accounts_gone_or_changed_since_send_nothing(
    mailoutbox: list[mail.EmailMessage],
):
    without_password = await User.objects.acreate_user("ada", "ada@example.com")
    gone = without_password.pk + 1  # no account has this id

    results = [
        await send_welcome_mail.aenqueue(gone, "http://testserver/"),
        await send_password_reset_mail.aenqueue(gone, "testserver", False),
        await send_password_reset_mail.aenqueue(without_password.pk, "testserver", False),
    ]

    assert [result.status for result in results] == [TaskResultStatus.SUCCESSFUL] * 3
    assert mailoutbox == []
