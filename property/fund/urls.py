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
    path("requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("requests/<int:pk>/reject/", views.request_reject, name="request_reject"),
    path("requests/<int:pk>/advance/", views.request_advance, name="request_advance"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("requests/<int:pk>/publicise/", views.request_publicise, name="request_publicise"),
    path("requests/<int:pk>/object/", views.request_object, name="request_object"),
    path("requests/<int:pk>/answer/", views.request_answer, name="request_answer"),
    path("requests/<int:pk>/disburse/", views.request_disburse, name="request_disburse"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
