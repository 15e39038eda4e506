"""Public URLs of the portal core, included at the root by ``portal/urls.py`` (before cms and
Wagtail)."""

from django.urls import path

from . import views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        ".well-known/gongzhi/pdf-signing-cert.pem",
        views.pdf_signing_cert,
        name="pdf_signing_cert",
    ),
]
