"""Permission-matrix entries of notifications (/notifications/): each person's own."""

from tests.security.matrix import OWNER, SIGNED_IN, Entry


def _owners_notification(d):
    from portal.notifications.models import Notification

    n = Notification.objects.create(
        recipient=d.user(OWNER), kind="matrix.probe", params={}, url="/notifications/"
    )
    return {"pk": n.pk}


MATRIX = {
    "notifications:list": Entry(allow=SIGNED_IN),
    "notifications:settings": Entry(allow=SIGNED_IN),
    "notifications:read_all": Entry(allow=SIGNED_IN, method="post", redirect_to="/notifications/"),
    # Opening marks one's own notification read: another person's is not found (404).
    "notifications:open": Entry(
        allow={OWNER}, method="post", kwargs=_owners_notification, redirect_to="/notifications/"
    ),
}
