"""WebSocket routes; config/asgi.py mounts them behind the origin check and the auth stack."""

from django.urls import path, re_path

from .consumers import RoomConsumer, UnknownPathConsumer

websocket_urlpatterns = [
    # `<room:slug>`: the slugs a Room can have, as in the HTTP URLs.
    path("ws/rooms/<room:slug>/", RoomConsumer.as_asgi()),
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
