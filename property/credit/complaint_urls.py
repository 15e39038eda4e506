from django.urls import path

from . import complaint_views as views

urlpatterns = [
    path("complaints/", views.complaints_overview, name="complaints"),
    path("complaints/import/", views.complaints_import, name="complaints_import"),
    path("complaints/run/", views.complaints_run, name="complaints_run"),
    path("complaints/unmatched/", views.complaints_unmatched, name="complaints_unmatched"),
    path("complaints/<int:pk>/assign/", views.complaint_assign, name="complaint_assign"),
    path("rate/", views.rate, name="rate"),
]
