from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.my_property, name="my_property"),
    path("contact/", views.contact_allow, name="contact_allow"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/units/", views.claim_unit_codes, name="claim_unit_codes"),
    path("claims/<int:pk>/proof/", views.claim_proof, name="claim_proof"),
    path("claims/<int:pk>/dispute/", views.dispute_claim, name="dispute_claim"),
    path("disputes/<str:token>/", views.dispute_link, name="dispute_link"),
    path("estates/", views.estate_list, name="estate_list"),
    path("estates/<slug:code>/", views.estate_detail, name="estate_detail"),
    path("estates/<slug:code>/claims/", views.claim_queue, name="claim_queue"),
    path("estates/<slug:code>/claims/<int:pk>/", views.claim_review, name="claim_review"),
    path("estates/<slug:code>/claims/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
    path("estates/<slug:code>/disputes/", views.dispute_queue, name="dispute_queue"),
    path("estates/<slug:code>/disputes/<int:pk>/", views.dispute_review, name="dispute_review"),
    path("estates/<slug:code>/import/", views.estate_import, name="estate_import"),
    path("estates/<slug:code>/imports/<int:pk>/", views.import_job, name="import_job"),
    path(
        "estates/<slug:code>/imports/<int:pk>/apply/",
        views.import_job_apply,
        name="import_job_apply",
    ),
    path("estates/<slug:code>/export.<str:fmt>", views.estate_export, name="estate_export"),
]
