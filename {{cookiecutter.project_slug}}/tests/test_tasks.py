"""The task queue in the database, in-process: failed mail tried again, results pruned and shown.

These tests enqueue into the database, as production does, and run the worker's loop here
(`manage.py db_worker --batch`); the other in-process tests run each task as it is enqueued.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import AsyncClient
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from {{ cookiecutter.project_slug }}.tasks import TaskResultStatus
from {{ cookiecutter.project_slug }}.users.tasks import RETRY_DELAYS, send_welcome_mail

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "http://testserver/"
User = get_user_model()


@pytest.fixture(autouse=True)
def database_queue(settings) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def run_worker() -> None:
    """What `manage.py db_worker --batch` runs: every task that is due, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.usefixtures("unreachable_smtp")
def test_a_mail_that_fails_is_recorded_and_tried_again_later():
    user = User.objects.create_user("ada", "ada@example.com", "unused-password-1")
    first = send_welcome_mail.enqueue(user.pk, SITE)
    last = send_welcome_mail.enqueue(user.pk, SITE, attempt=len(RETRY_DELAYS) + 1)
    started = timezone.now()

    run_worker()

    for result in (first, last):
        result.refresh()
        assert result.status == TaskResultStatus.FAILED
        assert result.errors[-1].exception_class_path == "builtins.ConnectionRefusedError"
    # The first attempt left a second behind, waiting its turn; the last one left none.
    [retry] = DBTaskResult.objects.exclude(id__in=[first.id, last.id])
    assert retry.status == TaskResultStatus.READY
    assert retry.task_result.args == [user.pk, SITE]
    assert retry.task_result.kwargs == {"attempt": 2}
    assert started + RETRY_DELAYS[0] <= retry.run_after <= timezone.now() + RETRY_DELAYS[0]


def test_old_results_are_pruned_by_the_backends_command():
    user = User.objects.create_user("ada", "ada@example.com", "unused-password-1")
    old, recent = (send_welcome_mail.enqueue(user.pk, SITE) for _ in range(2))
    waiting = send_welcome_mail.using(run_after=timezone.now() + timedelta(days=30)).enqueue(
        user.pk, SITE
    )
    run_worker()
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=15))

    # As the README has it.
    call_command("prune_db_task_results", "--min-age-days", "14", stdout=StringIO())

    kept = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert kept == {str(recent.id), str(waiting.id)}


async def test_the_admin_shows_task_results():
    user = await User.objects.acreate_superuser("admin", "admin@example.com", "unused-password-1")
    result = await send_welcome_mail.aenqueue(user.pk, SITE)
    client = AsyncClient()
    await client.aforce_login(user)

    listing = await client.get("/admin/django_tasks_database/dbtaskresult/")

    assert listing.status_code == 200
    html = listing.content.decode()
    assert str(result.id) in html
    assert "send_welcome_mail" in html
