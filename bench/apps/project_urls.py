"""(c) The project's own URLconf with the bench views in front (the project has no trivial endpoint:
/health/ queries the database and the cache)."""

import bench_views
from django.urls import include, path

urlpatterns = [
    path("bench/hello/", bench_views.hello),
    path("bench/sleep/", bench_views.sleep),
    path("", include("config.urls")),
]
