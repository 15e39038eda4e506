"""What a person is told, in the portal and by email or SMS.

``Notification``  one message to one person: its kind, plain parameters, the link to act on,
                  when it was read. Shown in the portal whatever happens to its deliveries.
``Delivery``      one attempt to send a notification by email or SMS, with its status; failed
                  deliveries are retried by the worker and never touch the notification. A
                  delivery may also carry its own text to a bare phone number (a registry
                  contact who may have no account, so no notification): sent, retried and
                  recorded the same way.
``Preference``    a person's choice per kind: email and SMS on or off (the portal always shows),
                  and for the few kinds that allow it (reminders), not at all.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import kinds


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent on"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return kinds.render_title(self.kind, self.params)


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("channel", "Email")
    SMS = "sms", pgettext_lazy("channel", "SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", pgettext_lazy("delivery", "Sent")
    FAILED = "failed", pgettext_lazy("delivery", "Failed")


class ReceiptStatus(models.TextChoices):
    """What the SMS gateway reported back for a text it accepted (a delivery receipt)."""

    NONE = "", _("No receipt")
    DELIVERED = "delivered", pgettext_lazy("delivery", "Delivered")
    UNDELIVERED = "undelivered", pgettext_lazy("delivery", "Not delivered")


class Delivery(models.Model):
    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
        help_text=_("Empty for a text to a phone number that may belong to no account."),
    )
    # A text to a bare phone number (no notification): the number, the step it reports (a
    # kind's code) and the message, written in the portal's language when the step happened.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The gateway's id for a text it accepted, and its delivery receipt when the backend reports
    # one (``portal.accounts.sms``: the development backends report none).
    gateway_ref = models.CharField(_("gateway reference"), max_length=64, blank=True)
    receipt = models.CharField(
        _("delivery receipt"), max_length=12, choices=ReceiptStatus.choices, blank=True
    )
    receipt_at = models.DateTimeField(_("receipt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "attempts"], name="notif_delivery_status"),
            models.Index(fields=["gateway_ref"], name="notif_delivery_gateway_ref"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notification__isnull=False)
                | (models.Q(channel="sms") & ~models.Q(phone="") & ~models.Q(text="")),
                name="notif_delivery_has_a_recipient",
            )
        ]

    def __str__(self):
        return f"{self.get_channel_display()}: {self.get_status_display()}"


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=60)
    email = models.BooleanField(_("by email"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    # Only for a kind with ``can_mute`` (reminders): not told at all, not even in the portal.
    muted = models.BooleanField(_("not at all"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_one_preference_per_kind")
        ]

    def __str__(self):
        return self.kind
