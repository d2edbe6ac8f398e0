"""bench/api.py: the plain view at /bench/rooms/<slug>/messages/, in front of the project's URLs."""

import api_plain
from django.urls import include, path

urlpatterns = [
    path("bench/rooms/<slug:slug>/messages/", api_plain.messages),
    path("", include("config.urls")),
]
