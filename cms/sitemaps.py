"""sitemap.xml: every live public page (Wagtail) plus the portal's own public views."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as WagtailSitemap


class StaticViewSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return ["cms:search"]

    def location(self, item):
        return reverse(item)


class PagesSitemap(WagtailSitemap):
    """Wagtail's page sitemap (the request decides the site)."""
