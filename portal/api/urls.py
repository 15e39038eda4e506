"""The open-data API: /api/schema/ (OpenAPI 3), /api/docs/ (Swagger UI, served locally) and the
versioned endpoints under /api/v1/ (URL path versioning)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from . import views
from .complaints import StaffComplaints
from .docs import ApiDocsView

app_name = "api"

V = r"^(?P<version>v1)/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(V + r"estates/$", views.PublicEstates.as_view(), name="estates"),
    re_path(V + r"staff/estates/$", views.StaffEstates.as_view(), name="staff-estates"),
    re_path(
        V + r"staff/nodes/(?P<code>[-a-zA-Z0-9_]+)/$",
        views.StaffNodeDashboard.as_view(),
        name="staff-node",
    ),
    re_path(V + r"staff/complaints/$", StaffComplaints.as_view(), name="staff-complaints"),
    re_path(V + r"notices/$", views.PublicNotices.as_view(), name="notices"),
    re_path(V + r"ratings/$", views.PublicRatings.as_view(), name="ratings"),
    re_path(V + r"ratings/history/$", views.PublicRatingHistory.as_view(), name="rating-history"),
    re_path(
        V + r"ratings/(?P<credit_code>[^/]+)/$",
        views.PublicCompanyRatings.as_view(),
        name="company-ratings",
    ),
    re_path(V + r"votes/results/$", views.PublicVoteResults.as_view(), name="vote-results"),
    re_path(V + r"indicators/$", views.PublicIndicators.as_view(), name="indicators"),
    re_path(V + r"fund/estates/$", views.PublicFundEstates.as_view(), name="fund-estates"),
    re_path(
        V + r"revenue/statements/$",
        views.PublicRevenueStatements.as_view(),
        name="revenue-statements",
    ),
]
