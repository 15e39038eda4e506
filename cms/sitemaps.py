"""sitemap.xml: every live public page (Wagtail) plus the portal's own public views.

Locations are absolute from ``PORTAL_BASE_URL`` (``portal.core.links``): neither the request's
host nor the Wagtail ``Site`` record (``127.0.0.1:80`` in the demo) decides where they point.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as WagtailSitemap

from portal.core.links import absolute_url, base_url


class PortalSitemap(Sitemap):
    """Django's sitemap with the scheme and host of the configured base."""

    def get_protocol(self, protocol=None):
        return urlsplit(base_url()).scheme

    def get_domain(self, site=None):
        return urlsplit(base_url()).netloc


class StaticViewSitemap(PortalSitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["cms:search"]

    def location(self, item):
        return reverse(item)


class PagesSitemap(WagtailSitemap):
    """Wagtail's page sitemap (the request decides the site), each location re-based."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = absolute_url(url["location"])
        return urls
