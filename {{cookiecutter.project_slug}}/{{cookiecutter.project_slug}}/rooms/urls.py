from django.urls import path

from . import api, views

app_name = "rooms"
urlpatterns = [
    path("rooms/<room:slug>/", views.room, name="room"),
    path("api/rooms/<room:slug>/messages/", api.messages, name="messages"),
]
