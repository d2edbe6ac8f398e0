from django.urls import path

from . import {% if cookiecutter.api_framework == "django" %}api, {% endif %}views

app_name = "rooms"
urlpatterns = [
    path("rooms/<room:slug>/", views.room, name="room"),
{%- if cookiecutter.api_framework == "django" %}
    path("api/rooms/<room:slug>/messages/", api.messages, name="messages"),
{%- endif %}
]
