from django.urls import path, register_converter

from . import api, views
from .converters import RoomSlugConverter

register_converter(RoomSlugConverter, "room")

app_name = "rooms"
urlpatterns = [
    path("rooms/<room:slug>/", views.room, name="room"),
    path("api/rooms/<room:slug>/messages/", api.messages, name="messages"),
]
