"""The open-data API: /api/schema/ (OpenAPI 3), /api/docs/ (Swagger UI, served locally) and the
versioned endpoints under /api/v1/ (URL path versioning)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

V = r"^(?P<version>v1)/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(V + r"estates/$", views.PublicEstates.as_view(), name="estates"),
    re_path(V + r"staff/estates/$", views.StaffEstates.as_view(), name="staff-estates"),
    re_path(
        V + r"staff/nodes/(?P<code>[-a-zA-Z0-9_]+)/$",
        views.StaffNodeDashboard.as_view(),
        name="staff-node",
    ),
]
