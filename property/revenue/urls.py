from django.urls import path

from . import views

app_name = "revenue"

urlpatterns = [
    path("", views.home, name="home"),
    path("late/", views.late, name="late"),
    path("estate/<slug:code>/", views.estate, name="estate"),
    path("estate/<slug:code>/enter/<slug:kind>/", views.enter, name="enter"),
    path("estate/<slug:code>/file/", views.file_month, name="file_month"),
    path("estate/<slug:code>/settings/", views.estate_settings, name="settings"),
    path("estate/<slug:code>/publish/", views.publish, name="publish"),
    path("estate/<slug:code>/statement/<str:period>/", views.statement, name="statement"),
    path(
        "estate/<slug:code>/statement/<str:period>.pdf",
        views.statement_pdf,
        name="statement_pdf",
    ),
    path("entries/<int:pk>/voucher/", views.voucher, name="voucher"),
    path("entries/<int:pk>/reverse/", views.reverse_entry, name="reverse"),
    path("entries/<int:pk>/object/", views.object_entry, name="object"),
    path("objections/<int:pk>/answer/", views.answer, name="answer"),
]
