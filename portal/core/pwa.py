"""Gongzhi on a phone's home screen: the web app manifest, the service worker and its offline
page (docs/ui.md, "Installable on a phone").

The service worker keeps only the app shell (the stylesheets, the script, the icons and the
offline page in each language and theme) and never a page that was served to a person: pages
always come from the network, and only when the network fails does the phone show the offline
page. The offline page is rendered from a plain context, like the 500 page, so even when it is
fetched with a session cookie it holds nothing of the person.
"""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.permissions import gate

THEME_COLOUR = "#a3141c"
# The static files the phone keeps to show the offline page in the app's frame.
SHELL_STATIC = (
    "default/css/portal.css",
    "care/css/care.css",
    "default/js/portal.js",
    "default/img/favicon.svg",
    "default/img/app-icon-192.png",
    "default/img/app-icon-512.png",
)
ICONS = (("default/img/app-icon-192.png", 192), ("default/img/app-icon-512.png", 512))


def offline_urls() -> list[str]:
    """The offline page in every language and theme, as the service worker fetches them."""
    base = reverse("offline")
    return [
        f"{base}?lang={code}&theme={theme}"
        for code, _name in settings.LANGUAGES
        for theme in settings.THEMES
    ]


@lru_cache(maxsize=1)
def shell_version() -> str:
    """A digest of the shell's files: a new deployment with changed files makes a new cache
    (the old one is deleted when the new worker takes over)."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    for name in ("pwa/sw.js", "pwa/offline.html", "errors/bare.html"):
        with open(loader.get_template(name).origin.name, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:12]


@require_GET
@gate(public=True)
def manifest(request):
    """``/manifest.webmanifest`` in the visitor's language."""
    data = {
        "id": "/",
        "name": _("Gongzhi: community and property governance"),
        "short_name": _("Gongzhi"),
        "description": _(
            "Vote in your owners' assembly, follow your maintenance fund and your estate's notices."
        ),
        "lang": translation.get_language(),
        "dir": "ltr",
        "start_url": reverse("workbench:home") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(name),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for name, size in ICONS
            for purpose in ("any", "maskable")
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "public, max-age=3600"
    response["Vary"] = "Cookie, Accept-Language"
    return response


@require_GET
@gate(public=True)
def service_worker(request):
    """``/sw.js``, served from the root so that its scope is the whole portal."""
    context = {
        "cache_name": f"gongzhi-shell-{shell_version()}",
        "offline_urls": offline_urls(),
        "shell": [static(name) for name in SHELL_STATIC],
        "default_language": settings.LANGUAGE_CODE,
        "default_theme": settings.DEFAULT_THEME,
    }
    body = loader.render_to_string("pwa/sw.js", context)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on navigation; never let a cache keep an old one.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@gate(public=True)
def offline(request):
    """The page a phone shows when a page cannot be fetched: in the language and theme asked
    for (``?lang=`` and ``?theme=``), from a plain context, never with the person's data."""
    languages = dict(settings.LANGUAGES)
    lang = request.GET.get("lang")
    lang = lang if lang in languages else settings.LANGUAGE_CODE
    theme = request.GET.get("theme")
    theme = theme if theme in settings.THEMES else settings.DEFAULT_THEME
    with translation.override(lang):
        html = loader.render_to_string(
            "pwa/offline.html", {"theme": theme, "LANGUAGE_CODE": lang, "status": None}
        )
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    return response
