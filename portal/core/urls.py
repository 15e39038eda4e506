"""Public URLs of the portal core. The integrator includes them at the root:
``path("", include("portal.core.urls"))`` (before cms and Wagtail)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        ".well-known/gongzhi/pdf-signing-cert.pem",
        views.pdf_signing_cert,
        name="pdf_signing_cert",
    ),
]
