"""URLs of the CMS outside the page tree (the tree itself is served by Wagtail, last)."""

from django.urls import path
from django.views.decorators.cache import cache_page
from wagtail.contrib.sitemaps.views import sitemap

from . import views
from .sitemaps import PagesSitemap, StaticViewSitemap

app_name = "cms"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("notices/feed/<slug:code>/", views.NoticeFeed(), name="notice_feed"),
    path("notices/feed/<slug:code>/atom/", views.NoticeAtomFeed(), name="notice_feed_atom"),
    path(
        "sitemap.xml",
        cache_page(600)(sitemap),
        {"sitemaps": {"pages": PagesSitemap, "views": StaticViewSitemap}},
        name="sitemap",
    ),
]
