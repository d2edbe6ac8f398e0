"""WebSocket routes; config/asgi.py mounts them behind the origin check and the auth stack."""

from django.urls import re_path

from .consumers import RoomConsumer, UnknownPathConsumer

websocket_urlpatterns = [
    # The same slugs as Room.slug (models.slug_validator), so no route accepts a room that
    # could never exist.
    re_path(r"^ws/rooms/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)/$", RoomConsumer.as_asgi()),
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
