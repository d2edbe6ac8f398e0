from django.urls import path

import bench_views

urlpatterns = [
    path("bench/hello/", bench_views.hello),
    path("bench/sleep/", bench_views.sleep),
]
