"""The account mails, sent by the task worker (`bin/serve worker`), never inside a request.

A mail server that refuses or cannot be reached fails the task: Django's tasks logger records
the failure with the task's id and traceback, the admin lists it under task results, and a copy
of the task is enqueued to try again later, RETRY_DELAYS apart.
"""

import logging
from datetime import timedelta
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..tasks import TaskContext, task
from .models import User

logger = logging.getLogger(__name__)

# How long a mail that failed waits before each further attempt; after the last, it stays failed.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10))


@task(takes_context=True)
def send_welcome_mail(context: TaskContext, user_id: int, site_url: str, attempt: int = 1) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return  # deleted or deactivated since
    values = {"user": user, "site_url": site_url}
    send_or_retry(context, attempt, "users/email/welcome", user.email, values)


@task(takes_context=True)
def send_password_reset_mail(
    context: TaskContext, user_id: int, domain: str, use_https: bool, attempt: int = 1
) -> None:
    """The link to set a new password, made as the mail leaves: no token waits in the queue."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return  # no longer an account Django would send a reset link to
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    values = {"user": user, "reset_url": f"{'https' if use_https else 'http'}://{domain}{path}"}
    send_or_retry(context, attempt, "users/email/password_reset", user.email, values)


def send_or_retry(
    context: TaskContext, attempt: int, template: str, to: str, values: dict[str, Any]
) -> None:
    """Send the mail `template` names (its `_subject.txt` and `.txt`); if that fails, enqueue
    the task again for later and fail this attempt."""
    subject = render_to_string(f"{template}_subject.txt", values).strip()
    body = render_to_string(f"{template}.txt", values)
    try:
        EmailMessage(subject, body, to=[to]).send()
    except OSError:  # smtplib's errors included: refused, unreachable, too slow to answer
        retry_later(context, attempt)
        raise


def retry_later(context: TaskContext, attempt: int) -> None:
    """Enqueue a copy of the running task as its next attempt, if it has one left."""
    result = context.task_result
    # A backend that runs each task as it is enqueued (ImmediateBackend) cannot wait.
    if attempt > len(RETRY_DELAYS) or not result.task.get_backend().supports_defer:
        return
    run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
    retry = result.task.using(run_after=run_after).enqueue(
        *result.args, **{**result.kwargs, "attempt": attempt + 1}
    )
    logger.warning(
        "Task id=%s could not send its mail (attempt %d); task id=%s tries again at %s",
        result.id,
        attempt,
        retry.id,
        run_after.isoformat(),
    )
