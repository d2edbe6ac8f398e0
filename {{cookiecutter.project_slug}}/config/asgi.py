"""The one ASGI entry point for every server (production settings unless told otherwise).

`application` hands each connection to the application for its type, and answers the lifespan
protocol itself: Django does not, and servers that send it would log an error at start-up.
"""

import os

import django
{% if cookiecutter.use_channels -%}
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.conf import settings
{% endif %}
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# First: the imports below need the app registry.
django.setup(set_prefix=False)
{%- if cookiecutter.database == "postgresql" %}

from {{ cookiecutter.project_slug }}.health.postgresql import log_connection_error  # noqa: E402

# Says now, in one line, why PostgreSQL refuses a connection, rather than at the first request.
log_connection_error()
{%- endif %}

{% if cookiecutter.api_framework == "fastapi" -%}
from {{ cookiecutter.project_slug }}.api.fastapi_app import in_front_of  # noqa: E402
{% endif -%}
{% if cookiecutter.use_channels -%}
from {{ cookiecutter.project_slug }}.asgi.allowed_origins import OriginValidator  # noqa: E402
from {{ cookiecutter.project_slug }}.asgi.connection_limit import WebSocketConnectionLimit  # noqa: E402
{% endif -%}
from {{ cookiecutter.project_slug }}.asgi.handler import LazyThreadASGIHandler  # noqa: E402
from {{ cookiecutter.project_slug }}.asgi.lifespan import Lifespan  # noqa: E402
{%- if cookiecutter.use_channels %}
from {{ cookiecutter.project_slug }}.asgi.websocket_closer import WebSocketCloser  # noqa: E402
from {{ cookiecutter.project_slug }}.rooms.routing import websocket_urlpatterns  # noqa: E402

# Origin first: a page of another origin cannot open a socket, nor take a client's slot. The
# closer closes open sockets with 1001 when the server is told to stop.
websocket_application = WebSocketCloser(
    OriginValidator(
        WebSocketConnectionLimit(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        settings.WEBSOCKET_ALLOWED_ORIGINS,
    )
)
{%- else %}
from {{ cookiecutter.project_slug }}.asgi.router import ProtocolTypeRouter  # noqa: E402
{%- endif %}

# Django's handler, lending a request a thread only for its own sync work (asgi/handler.py).
django_application = LazyThreadASGIHandler()

application = ProtocolTypeRouter(
    {
{%- if cookiecutter.api_framework == "fastapi" %}
        # FastAPI answers its own routes (/api/), each run as a Django view; Django the rest.
        "http": in_front_of(django_application),
{%- else %}
        "http": django_application,
{%- endif %}
{%- if cookiecutter.use_channels %}
        "websocket": websocket_application,
        # Once the server has installed its SIGTERM handler, ours goes ahead of it.
        "lifespan": Lifespan(on_startup=[websocket_application.close_on_sigterm]),
{%- else %}
        "lifespan": Lifespan(),
{%- endif %}
    }
)
