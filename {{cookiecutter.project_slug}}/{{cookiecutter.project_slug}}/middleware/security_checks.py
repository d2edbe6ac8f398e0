"""Django's security checks, made to see our middleware as the Django classes it replaces.

Django's checks find its middleware by dotted path in MIDDLEWARE
("django.middleware.security.SecurityMiddleware" in settings.MIDDLEWARE). Ours subclass
Django's under our own path, so those checks would report the middleware missing and skip
everything that depends on it (HSTS, SSL redirect, nosniff, X-Frame-Options...).
"""

import functools
from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.checks.registry import registry
from django.utils.module_loading import import_string

CheckFunction = Callable[..., list[checks.CheckMessage]]

DJANGO_SECURITY_CHECKS = (
    "django.core.checks.security.base",
    "django.core.checks.security.csrf",
    "django.core.checks.security.sessions",
)


def as_django_path(path: str) -> str:
    """The dotted path of the Django middleware class that `path` extends, else `path`."""
    for base in import_string(path).__mro__:
        if base.__module__.startswith("django."):
            return f"{base.__module__}.{base.__qualname__}"
    return path


def with_django_middleware_paths(check: CheckFunction) -> CheckFunction:
    @functools.wraps(check)
    def wrapper(app_configs: list[AppConfig] | None, **kwargs: Any) -> list[checks.CheckMessage]:
        # Imported when the checks run, not when Django starts: django.test loads the test
        # client and its dependencies, which a server process never uses.
        from django.test.utils import override_settings

        with override_settings(MIDDLEWARE=[as_django_path(path) for path in settings.MIDDLEWARE]):
            return check(app_configs, **kwargs)

    return wrapper


def run_django_security_checks_on_our_middleware() -> None:
    """Swap each of Django's security checks for one that sees our classes as Django's.

    The checks keep their ids (security.W004...), messages and tags; only the MIDDLEWARE
    they read names each class by the Django class it extends.
    """
    for kind in ("registered_checks", "deployment_checks"):
        found: set[CheckFunction] = getattr(registry, kind)
        for check in [check for check in found if check.__module__ in DJANGO_SECURITY_CHECKS]:
            found.discard(check)
            found.add(with_django_middleware_paths(check))
