"""Themes: one folder per theme under ``themes/`` (templates and static), chosen per visitor.

The visitor's choice is kept in a cookie and read by :class:`ThemeMiddleware` into a context
variable; :class:`ThemeLoader` looks in the current theme's folder first, then the default
theme's, so a theme overrides only the templates it needs. :class:`CachedThemeLoader` keys its
cache by theme, so a cached template of one theme is never served to another.
"""

from contextvars import ContextVar

from django.conf import settings
from django.template.loaders.cached import Loader as CachedLoader
from django.template.loaders.filesystem import Loader as FilesystemLoader

THEME_COOKIE = "gongzhi_theme"
_current = ContextVar("gongzhi_theme", default=None)


def available_themes() -> dict:
    return settings.THEMES


def current_theme() -> str:
    return _current.get() or settings.DEFAULT_THEME


def theme_from_request(request) -> str:
    chosen = request.COOKIES.get(THEME_COOKIE)
    return chosen if chosen in settings.THEMES else settings.DEFAULT_THEME


class ThemeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.theme = theme_from_request(request)
        token = _current.set(request.theme)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class ThemeLoader(FilesystemLoader):
    def get_dirs(self):
        theme = current_theme()
        dirs = [settings.THEMES_DIR / theme / "templates"]
        if theme != "default":
            dirs.append(settings.THEMES_DIR / "default" / "templates")
        return dirs


class CachedThemeLoader(CachedLoader):
    def cache_key(self, template_name, skip=None):
        return f"{current_theme()}:{super().cache_key(template_name, skip)}"
