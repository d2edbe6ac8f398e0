"""Authentication that slows down password guessing, for every log-in form at once."""

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .rate_limits import acount, ahit, cache_key, count, hit, request_client

logger = logging.getLogger(__name__)


class RateLimitedModelBackend(ModelBackend):
    """Django's ModelBackend, counting failed log-ins per username and client address.

    Every form that calls `authenticate()` or `aauthenticate()` with the request (the admin's
    log-in, Django's AuthenticationForm) goes through here. Past RATE_LIMIT_LOGIN_FAILURES, the
    password is not even checked until the window ends: PermissionDenied stops every backend,
    the form answers as for a wrong password, and the log says why.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        key = failures_key(request, username, kwargs)
        if key is not None and count(key, self.rate).hits >= self.rate[0]:
            refuse(request)
        user = super().authenticate(request, username, password, **kwargs)
        if user is None and key is not None:
            hit(key, self.rate)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        key = failures_key(request, username, kwargs)
        if key is not None and (await acount(key, self.rate)).hits >= self.rate[0]:
            refuse(request)
        user = await super().aauthenticate(request, username, password, **kwargs)
        if user is None and key is not None:
            await ahit(key, self.rate)
        return user

    @property
    def rate(self) -> tuple[int, int]:
        return settings.RATE_LIMIT_LOGIN_FAILURES


def failures_key(
    request: HttpRequest | None, username: str | None, kwargs: dict[str, Any]
) -> str | None:
    """The counter of this username's failures from this client; None without a username."""
    if username is None:
        username = kwargs.get(get_user_model().USERNAME_FIELD)
    if not isinstance(username, str):
        return None
    client = request_client(request) if request is not None else ""
    return cache_key("login-failures", f"{client} {username.casefold()}")


def refuse(request: HttpRequest | None) -> None:
    client = request_client(request) if request is not None else "no request"
    logger.warning("Too many failed log-ins from %s for one username: refused", client)
    raise PermissionDenied
