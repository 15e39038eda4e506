from django.urls import path

from . import views

app_name = "fund"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("my/", views.my_fund, name="my"),
    path("ledger/<int:pk>/", views.ledger, name="ledger"),
    path("estate/<slug:code>/", views.estate_fund, name="estate"),
    path("estate/<slug:code>/statement/<int:year>/", views.statement, name="statement"),
    path("estate/<slug:code>/statement/<int:year>.pdf", views.statement_pdf, name="statement_pdf"),
    path("estate/<slug:code>/requests/new/", views.request_new, name="request_new"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/<slug:action>/", views.request_action, name="request_action"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
