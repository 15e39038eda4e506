"""Wagtail admin: staff avatars are initials drawn on the portal, never Gravatar (docs/ui.md)."""

from wagtail import hooks

from .avatars import avatar_data_url


@hooks.register("get_avatar_url")
def initials_avatar(user, size):
    """An uploaded avatar still wins; otherwise the person's initials."""
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None and profile.avatar:
        return None
    return avatar_data_url(str(user), key=str(user.pk), size=size)
