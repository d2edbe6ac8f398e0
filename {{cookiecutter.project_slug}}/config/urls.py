from django.contrib import admin
from django.urls import include, path

from {{ cookiecutter.project_slug }}.core import views as core_views
from {{ cookiecutter.project_slug }}.rooms import views as rooms_views

urlpatterns = [
    path("", rooms_views.home, name="home"),
    path("", include("{{ cookiecutter.project_slug }}.rooms.urls")),
    path("health/", core_views.health, name="health"),
    path("admin/", admin.site.urls),
]
