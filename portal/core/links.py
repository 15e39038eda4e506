"""Absolute links to the portal, from one setting: ``PORTAL_BASE_URL``.

Every link that leaves a page — in an email, the sitemap, a feed, the QR code of a signed PDF,
the open-data API — is built here, never from the request's ``Host`` header (which a client
chooses, and which is ``127.0.0.1`` behind the proxy) nor from Wagtail's ``Site`` record.

``PORTAL_BASE_URL`` is the scheme and host (and port) people reach the portal at, without a
path: ``https://wuye.wuhu.gov.cn``; in development ``http://127.0.0.1:8000``. Production
settings require it and ``manage.py check --deploy`` checks its form (``portal.core.checks``).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse


def base_url() -> str:
    """The configured base, without a trailing slash."""
    return settings.PORTAL_BASE_URL.rstrip("/")


def absolute_url(path: str = "/") -> str:
    """The portal's absolute URL of a path (``/votes/2/``, with any query and fragment).

    A full URL is re-based: its scheme and host are replaced by the configured ones, so a link
    a library built from the request (or from a Wagtail ``Site``) still points at the portal.
    """
    bits = urlsplit(path)
    path_only = urlunsplit(("", "", bits.path or "/", bits.query, bits.fragment))
    if not path_only.startswith("/"):
        path_only = "/" + path_only
    return base_url() + path_only


def absolute_reverse(viewname: str, *args, **kwargs) -> str:
    """``reverse()`` then :func:`absolute_url`: ``absolute_reverse("voting:detail", 2)``."""
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))


def page_url(page) -> str:
    """The absolute URL of a Wagtail page, whatever its ``Site`` record says."""
    parts = page.get_url_parts()
    return absolute_url(parts[2] if parts else page.url or "/")


class PortalSite:
    """A stand-in for ``django.contrib.sites``' ``Site`` (``name`` and ``domain``) made from the
    configured base, for templates of libraries that print the site's domain (allauth's
    emails)."""

    def __init__(self) -> None:
        self.name = settings.WAGTAIL_SITE_NAME
        self.domain = urlsplit(base_url()).netloc

    def __str__(self) -> str:
        return self.domain
