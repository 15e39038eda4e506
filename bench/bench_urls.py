"""URLs of bench/voting_cast.py's gunicorn: the portal's, plus the two reference views of
bench_views (never routed outside the benches)."""

import bench_views
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("_bench/baseline/", bench_views.baseline),
    path("_bench/votes/<int:pk>/plain-cast/", bench_views.plain_cast),
    *portal_urlpatterns,
]
