from django.conf import settings
from django.contrib import admin
from django.urls import include, path

{% if cookiecutter.api_framework == "ninja" -%}
from {{ cookiecutter.project_slug }}.api.ninja_api import api
{% endif -%}
from {{ cookiecutter.project_slug }}.rooms import views as rooms_views

# /health/ is answered by {{ cookiecutter.project_slug }}.health.middleware, ahead of the host check.
urlpatterns = [
    path("", rooms_views.home, name="home"),
    path("", include("{{ cookiecutter.project_slug }}.rooms.urls")),
{%- if cookiecutter.api_framework == "ninja" %}
    path("api/", api.urls),
{%- endif %}
    path("accounts/", include("{{ cookiecutter.project_slug }}.users.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
