from django.urls import include, path

from . import complaint_urls, manager_urls, views

app_name = "credit"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("company/<str:credit_code>/", views.company, name="company"),
    path("company/<str:credit_code>/report.pdf", views.report_pdf, name="report"),
    path("mine/", views.mine, name="mine"),
    path("records/add/", views.record_add, name="record_add"),
    path("records/<int:pk>/object/", views.record_object, name="object"),
    path("records/<int:pk>/evidence/", views.record_evidence, name="record_evidence"),
    path("objections/", views.objections, name="objections"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    path("objections/<int:pk>/evidence/", views.objection_evidence, name="objection_evidence"),
    path("supervision/", views.supervision, name="supervision"),
    path("publish/", views.publish, name="publish"),
    path("survey/", views.survey, name="survey"),
    path("managers/", include(manager_urls)),
    *complaint_urls.urlpatterns,
]
