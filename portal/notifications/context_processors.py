from functools import cache

from . import selectors


def notifications(request):
    """The bell's unread count, counted only if a template shows it (once per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": cache(lambda: selectors.unread_count(user))}
