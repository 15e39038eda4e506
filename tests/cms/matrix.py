"""Permission-matrix entries of the CMS (public pages, notices, search, feeds, sitemap)."""

from tests.security.matrix import PUBLIC, Entry

MATRIX = {
    "cms:search": Entry(allow=PUBLIC, path="/search/?q=电梯"),
    "cms:notice_feed": Entry(allow=PUBLIC, kwargs=lambda d: {"code": "binjiang"}),
    "cms:notice_feed_atom": Entry(allow=PUBLIC, kwargs=lambda d: {"code": "binjiang"}),
    "cms:sitemap": Entry(allow=PUBLIC),
    "cms:page": Entry(allow=PUBLIC, path="/"),
}
