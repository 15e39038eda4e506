"""System checks of the portal's own settings (``manage.py check``; ``--deploy`` for production)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def check_portal_base_url(app_configs=None, **kwargs):
    """``PORTAL_BASE_URL`` in production: set, HTTPS, a bare origin, on an allowed host.

    Every link in emails, the sitemap, feeds and PDF QR codes is built from it
    (``portal.core.links``); a wrong value sends every owner to a dead address.
    """
    value = getattr(settings, "PORTAL_BASE_URL", "") or ""
    hint = "Set PORTAL_BASE_URL to the address people use, e.g. https://wuye.wuhu.gov.cn"
    if not value:
        return [Error("PORTAL_BASE_URL is not set.", hint=hint, id="portal.E001")]
    bits = urlsplit(value)
    errors = []
    if bits.scheme != "https" or not bits.hostname:
        errors.append(
            Error(
                f"PORTAL_BASE_URL must be an https:// address: {value!r}.",
                hint=hint,
                id="portal.E002",
            )
        )
    if bits.path.strip("/") or bits.query or bits.fragment:
        errors.append(
            Error(
                f"PORTAL_BASE_URL must have no path, query or fragment: {value!r}.",
                hint=hint,
                id="portal.E003",
            )
        )
    host = bits.hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        errors.append(
            Error(
                f"PORTAL_BASE_URL points at this machine ({host}): nobody else can open its links.",
                hint=hint,
                id="portal.E005",
            )
        )
    if host and not validate_host(host, settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"The host of PORTAL_BASE_URL ({host}) is not in ALLOWED_HOSTS.",
                hint="Links would point at a host the portal refuses to serve.",
                id="portal.E004",
            )
        )
    return errors
