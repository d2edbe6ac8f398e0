"""The task worker for real: `bin/serve prod` enqueues, `bin/serve worker` delivers the mail to a
real SMTP server, and a SIGTERM lets the task in hand finish."""

import re
import signal
import uuid
from pathlib import Path

import httpx
import pytest

from tests.mail_server import MailServer
from tests.server import EXIT_TIMEOUT, PLAIN_HTTP, Server, running_worker, wait_for_log

# The worker polls the database this often (seconds) when it has nothing to do.
POLL_INTERVAL = "0.1"


def sign_up(server: Server, username: str) -> httpx.Response:
    """Sign up through the form, as a browser would, with its CSRF token and cookie."""
    with httpx.Client(base_url=server.url, timeout=10, verify=PLAIN_HTTP) as client:
        page = client.get("/accounts/signup/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        # CSRF_COOKIE_SECURE keeps httpx from sending the cookie over plain HTTP: send it by hand.
        cookie = page.cookies["csrftoken"]
        password = f"{uuid.uuid4()}-A1"
        return client.post(
            "/accounts/signup/",
            data={
                "username": username,
                "email": f"{username}@example.com",
                "password1": password,
                "password2": password,
                "csrfmiddlewaretoken": token,
            },
            headers={"Cookie": f"csrftoken={cookie}"},
        )


@pytest.mark.django_db(transaction=True)  # the shared server's data is flushed after the test
def test_the_welcome_mail_waits_for_the_worker_which_finishes_it_on_sigterm(
    shared_server: Server, mail_server: MailServer, tmp_path: Path
):
    username = f"worker-{uuid.uuid4().hex[:8]}"
    address = f"{username}@example.com"
    # The server sends what mail it sends to mail_server (conftest.live_env): none, by itself.
    response = sign_up(shared_server, username)
    assert response.status_code == 302, response.text
    assert mail_server.to(address) == []

    # Tasks other tests left in the live database (SQLite's outlives a test) pass first.
    mail_server.hold(address)
    with running_worker(shared_server.env, tmp_path, "--interval", POLL_INTERVAL) as worker:
        mail_server.wait_until_receiving()
        # The task is in the middle of delivering: a deploy stops the worker now.
        worker.signal(signal.SIGTERM)
        wait_for_log(worker, "shutting down gracefully")
        mail_server.release()
        assert worker.process.wait(EXIT_TIMEOUT) == 0, worker.log()

    [welcome] = mail_server.to(address)
    assert welcome["Subject"].startswith("Welcome to ")
    assert f"Hello {username}," in welcome.get_content()
    assert re.search(r"Task id=\S+ path=\S+send_welcome_mail state=SUCCESSFUL", worker.log())
