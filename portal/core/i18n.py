"""Language choice: Simplified Chinese unless the visitor chose otherwise.

Django's LocaleMiddleware would follow the browser's Accept-Language header; the portal is a
Chinese government service, so the default is zh-hans whatever the browser says, and the
visitor's explicit choice (the language cookie set by the switch in the header) wins.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else None
        except LookupError:
            language = None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
