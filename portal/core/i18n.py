"""Language choice: Simplified Chinese unless the visitor chose otherwise.

Django's LocaleMiddleware would follow the browser's Accept-Language header; the portal is a
Chinese government service, so the default is zh-hans whatever the browser says, and the
visitor's explicit choice (the language cookie set by the switch in the header) wins.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext_noop

# Django's forms end every label with gettext(":") (Form.label_suffix), which Django's own Chinese
# catalogue leaves as the ASCII colon ("密码:"). The project's catalogue, first in LOCALE_PATHS,
# gives Chinese its full-width colon ("密码："); naming the string here keeps it there when
# makemessages refreshes the catalogue. No suffix follows a label that ends in one of
# gettext(":?.!"): Chinese lists its full-width marks there too ("是否满意？", not "是否满意？：").
LABEL_SUFFIX = gettext_noop(":")
LABEL_ENDINGS = gettext_noop(":?.!")


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else None
        except LookupError:
            language = None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
