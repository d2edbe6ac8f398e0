from django.http import HttpRequest, HttpResponseBase

from {{ cookiecutter.project_slug }}.middleware.base import AsyncMiddleware

from .views import health

PATH = "/health/"


class HealthCheckMiddleware(AsyncMiddleware):
    """Answer `/health/` ahead of the host check.

    Load balancers and container HEALTHCHECKs probe a server by its IP address over plain
    HTTP: a Host that ALLOWED_HOSTS rightly refuses (SECURE_REDIRECT_EXEMPT lets the plain HTTP
    through). The report builds nothing from the Host header, so it is safe for any host;
    every other path still goes through the whole stack.
    """

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info == PATH:
            return await health(request)
        return await self.get_response(request)
