"""Django's account forms, fitted to the project: its user model, async log-in, queued mail."""

from functools import partial
from typing import Any

from django import forms
from django.contrib.auth import aauthenticate
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from .models import User
from .tasks import send_password_reset_mail


class SignupForm(auth_forms.UserCreationForm):
    """Django's sign-up form for the project's user: username, email, and the password twice.

    The address is not required to be unique: refusing one would tell a stranger that it has
    an account here. A password reset mails every account that has it.
    """

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The password-reset mail needs it.
        self.fields["email"].required = True


class LoginForm(auth_forms.AuthenticationForm):
    """Django's log-in form, checking the credentials with `aauthenticate` in `ais_valid()`.

    Django's `clean()` calls the blocking `authenticate()`; this form checks its fields in
    `clean()` and leaves the credentials to the async `ais_valid()`, with the same errors and
    the same request (which authentication backends and `user_login_failed` receivers see).
    """

    def clean(self) -> dict[str, Any]:
        return self.cleaned_data

    @sensitive_variables()
    async def ais_valid(self) -> bool:
        if not self.is_valid():
            return False
        user = await aauthenticate(
            self.request,
            username=self.cleaned_data["username"],
            password=self.cleaned_data["password"],
        )
        try:
            if user is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(user)
        except forms.ValidationError as error:
            self.add_error(None, error)
            return False
        self.user_cache = user
        return True


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, with the mail left to the task worker once the request's data is saved.

    Django calls `send_mail` once for each active account with this address, and never says
    whether there was one. The task makes the link itself: no token waits in the task queue.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        enqueue = partial(
            send_password_reset_mail.enqueue,
            context["user"].pk,
            context["domain"],
            context["protocol"] == "https",
        )
        transaction.on_commit(enqueue)
