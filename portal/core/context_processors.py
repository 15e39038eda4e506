from django.conf import settings

from portal.permissions import is_staff_person

from .themes import current_theme


def portal(request):
    user = getattr(request, "user", None)
    return {
        "theme": current_theme(),
        "themes": settings.THEMES,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "is_staff_person": bool(user and user.is_authenticated and is_staff_person(user)),
    }
