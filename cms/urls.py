"""URLs of the CMS outside the page tree (the tree itself is served by Wagtail, last)."""

from django.urls import path, re_path
from django.views.decorators.cache import cache_page
from wagtail import views as wagtail_views
from wagtail.contrib.sitemaps.views import sitemap

from portal.permissions import gate

from . import views
from .cache import anonymous_page_cache
from .sitemaps import PagesSitemap, StaticViewSitemap

app_name = "cms"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("notices/feed/<slug:code>/", gate(public=True)(views.NoticeFeed()), name="notice_feed"),
    path(
        "notices/feed/<slug:code>/atom/",
        gate(public=True)(views.NoticeAtomFeed()),
        name="notice_feed_atom",
    ),
    path(
        "sitemap.xml",
        gate(public=True)(cache_page(600)(sitemap)),
        {"sitemaps": {"pages": PagesSitemap, "views": StaticViewSitemap}},
        name="sitemap",
    ),
    # Wagtail's page serving (same pattern as wagtail.urls), behind the anonymous page cache.
    # Wagtail's own _util/ views (private-page password and login) are left to wagtail.urls.
    re_path(
        r"^(?!_util/)((?:[\w\-]+/)*)$",
        anonymous_page_cache(wagtail_views.serve),
        name="page",
    ),
]
