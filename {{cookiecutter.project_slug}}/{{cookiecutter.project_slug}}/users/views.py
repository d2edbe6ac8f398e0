"""Sign-up, log-in and log-out, async: Django has no sign-up view, and sync views for the others.

Password change and reset are Django's own views (users/urls.py): sync, each request in a
thread of its own, which pages this rarely used can afford.
"""

from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import alogin, alogout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .forms import LoginForm, SignupForm
from .tasks import send_welcome_mail

# Named when logging in a new user: with several AUTHENTICATION_BACKENDS, Django could not tell
# which one the session should use. The project's ModelBackend, the one in the setting: a
# session naming a backend that is not listed there is not logged in.
MODEL_BACKEND = "{{ cookiecutter.project_slug }}.auth_backends.RateLimitedModelBackend"


def next_page(request: HttpRequest) -> str:
    """The page asked for in `next`, if it is on this site (Django's LoginView's check); or "".

    Not the log-in or sign-up page itself, which would only show its form again.
    """
    target = request.POST.get("next") or request.GET.get("next", "")
    on_this_site = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    forms = {reverse("accounts:login"), reverse("accounts:signup")}
    return target if on_this_site and urlsplit(target).path not in forms else ""


@sensitive_post_parameters("password1", "password2")
@never_cache
async def signup(request: HttpRequest) -> HttpResponse:
    """A new account, logged in at once; its welcome mail leaves from the task worker."""
    form = SignupForm(request.POST if request.method == "POST" else None)
    # The username check queries the database, and hashing the password is a CPU-bound moment:
    # both in a thread, off the event loop.
    if form.is_bound and await sync_to_async(form.is_valid)():
        user = await sync_to_async(form.save)()
        await alogin(request, user, backend=MODEL_BACKEND)
        await send_welcome_mail.aenqueue(user.pk, request.build_absolute_uri(reverse("home")))
        return redirect(next_page(request) or settings.LOGIN_REDIRECT_URL)
    return render(request, "users/signup.html", {"form": form, "next": next_page(request)})


@sensitive_post_parameters("password")
@never_cache
async def login(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_bound and await form.ais_valid():
        await alogin(request, form.get_user())
        return redirect(next_page(request) or settings.LOGIN_REDIRECT_URL)
    return render(request, "users/login.html", {"form": form, "next": next_page(request)})


@require_POST
async def logout(request: HttpRequest) -> HttpResponse:
    """POST only (with its CSRF token): a link or an image elsewhere cannot log anyone out."""
    await alogout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
