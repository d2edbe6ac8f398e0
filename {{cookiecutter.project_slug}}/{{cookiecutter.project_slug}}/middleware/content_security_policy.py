"""The Content-Security-Policy header from SECURE_CSP, as Django 6.0's middleware sends it.

Django 5.2 has no CSP support of its own. This reads the same setting, so moving to Django 6
means naming `django.middleware.csp.ContentSecurityPolicyMiddleware` in MIDDLEWARE instead.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from .base import AsyncMiddleware

HEADER = "Content-Security-Policy"


def build_policy(config: dict[str, list[str]]) -> str:
    """`{"default-src": ["'self'"], ...}` as `default-src 'self'; ...`."""
    return "; ".join(" ".join([directive, *values]) for directive, values in config.items())


class ContentSecurityPolicyMiddleware(AsyncMiddleware):
    """Sends SECURE_CSP on every response that has no policy of its own."""

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = await self.get_response(request)
        if settings.SECURE_CSP and HEADER not in response:
            response[HEADER] = build_policy(settings.SECURE_CSP)
        return response
