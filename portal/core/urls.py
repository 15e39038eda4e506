"""Public URLs of the portal core, included at the root by ``portal/urls.py`` (before cms and
Wagtail)."""

from django.urls import path

from . import pwa, views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", pwa.manifest, name="web_manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path(
        ".well-known/gongzhi/pdf-signing-cert.pem",
        views.pdf_signing_cert,
        name="pdf_signing_cert",
    ),
]
