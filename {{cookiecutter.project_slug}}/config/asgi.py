"""The one ASGI entry point for every server (production settings unless told otherwise).

Django has no handler for the ASGI lifespan protocol, so servers that send it (uvicorn,
hypercorn, granian) would log an error at startup; `application` answers it here instead.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# First: it sets Django up, and the imports below need the app registry.
django_application = get_asgi_application()

{% if cookiecutter.use_channels -%}
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

{% endif -%}
from {{ cookiecutter.project_slug }}.core import health  # noqa: E402
from {{ cookiecutter.project_slug }}.core.asgi_types import Receive, Scope, Send  # noqa: E402
{%- if cookiecutter.use_channels %}
from {{ cookiecutter.project_slug }}.core.going_away import GoingAway  # noqa: E402
{%- endif %}
from {{ cookiecutter.project_slug }}.core.request_threads import ReusedRequestThreads  # noqa: E402
{%- if cookiecutter.use_channels %}
from {{ cookiecutter.project_slug }}.rooms.routing import websocket_urlpatterns  # noqa: E402
{%- endif %}

# Each request's sync work on a reused thread, rather than a thread started per request.
http_application = ReusedRequestThreads(django_application)
{%- if cookiecutter.use_channels %}

# Origin first: a page on a host outside ALLOWED_HOSTS cannot open a socket. GoingAway closes
# open sockets with 1001 when the server is told to stop.
websocket_application = GoingAway(
    AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
)
{%- endif %}


async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    """Startup{% if cookiecutter.use_channels %} hooks SIGTERM{% else %} needs nothing{% endif %}; shutdown closes the health check's pooled HTTP connections."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
{%- if cookiecutter.use_channels %}
            # The server has installed its SIGTERM handler by now: ours goes ahead of it.
            websocket_application.close_on_sigterm()
{%- endif %}
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await health.close_http_client()
            await send({"type": "lifespan.shutdown.complete"})
            return

{%- if cookiecutter.use_channels %}


application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": websocket_application,
        "lifespan": lifespan,
    }
)
{%- else %}


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
    else:
        await http_application(scope, receive, send)
{%- endif %}
