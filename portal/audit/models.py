"""The append-only log of governance events (who, what, when, on which object).

Rows are written by :func:`portal.audit.log_event` only, never updated or deleted: the model,
its queryset and the admin all refuse it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.appendonly import AppendOnlyError, AppendOnlyModel  # noqa: F401 (re-exported)
from portal.core.masking import mask_phones_in


class AuditEvent(AppendOnlyModel):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        editable=False,
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=80, db_index=True, editable=False)
    object_type = models.CharField(_("object type"), max_length=80, blank=True, editable=False)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, editable=False)
    object_repr = models.CharField(_("object"), max_length=300, blank=True, editable=False)
    jurisdiction_path = models.CharField(
        _("jurisdiction"), max_length=255, blank=True, db_index=True, editable=False
    )
    details = models.JSONField(_("details"), default=dict, blank=True, editable=False)

    append_only_message = "The audit log is append-only."
    # Wagtail indexes references of the models it shows; the log names its objects by type and
    # id, so indexing each event would only add four queries to every audited action.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        default_permissions = ("view",)

    def __str__(self):
        actor, obj = self.get_actor_label_display(), self.get_object_repr_display()
        return f"{self.at:%Y-%m-%d %H:%M} {actor} {self.action} {obj}"

    # Shown to staff with phone numbers masked, also in events written before masking.
    def get_actor_label_display(self) -> str:
        return mask_phones_in(self.actor_label)

    def get_object_repr_display(self) -> str:
        return mask_phones_in(self.object_repr)
