import bench_views
from django.urls import path

urlpatterns = [path("bench/hello/", bench_views.hello_sync)]
