from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("me/", views.me, name="me"),
    path("company/", views.company, name="company"),
    path("<slug:code>/", views.node_dashboard, name="node"),
    path("<slug:code>/export.csv", views.export_csv, name="export_csv"),
    path("<slug:code>/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
