"""Whole-page cache for anonymous visitors (in the spirit of wagtail-cache).

Public pages are the same for every anonymous visitor except for the CSRF token of the
language and theme forms in the header: the cached body keeps a placeholder where the token
was, and each hit gets the visitor's own token (``get_token`` also sets the CSRF cookie).

Keys hold the theme, the language, the full path and ``selectors.generation()``, a counter
bumped whenever a page is saved, published or unpublished; entries also expire after
``PAGE_CACHE_SECONDS``. With Redis (``REDIS_URL``) the counter is shared by every process, so a
publication shows at once; with the per-process locmem cache, other processes catch up within
``PAGE_CACHE_SECONDS``. Signed-in visitors, visitors with a session or pending messages, and
anything but GET/HEAD are never cached.
"""

from __future__ import annotations

import hashlib
import re
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from .selectors import generation

PAGE_CACHE_SECONDS = 120
_TOKEN_RE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = "__GONGZHI_CSRF_TOKEN__"


def cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if "sessionid" in cookies or "messages" in cookies:
        return False
    if getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    theme = getattr(request, "theme", "default")
    return f"cms:page:{generation()}:{theme}:{get_language()}:{path}"


def anonymous_page_cache(view):
    """Cache the view's 200 HTML responses for anonymous visitors (see the module docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None:
            body, content_type = hit
            response = HttpResponse(
                body.replace(_PLACEHOLDER, get_token(request)), content_type=content_type
            )
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response = response.render()
        content_type = response.get("Content-Type", "")
        if (
            response.status_code == 200
            and not response.streaming
            and content_type.startswith("text/html")
        ):
            body = _TOKEN_RE.sub(rf"\g<1>{_PLACEHOLDER}\g<2>", response.content.decode())
            cache.set(key, (body, content_type), PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
