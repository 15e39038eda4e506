"""Background work of the registry (django-q2): registry imports and the hourly clean-up of
their stored files (declared in ``portal.core.schedules``), and the text to the registry's contact of a verified person.

Accounts are told of claims and disputes through ``portal.notifications`` (see
``notifications.py``); the one message that goes to a registry phone, which may belong to no
account, is written here in the portal's language (``settings.LANGUAGE_CODE``), with no identity
number, and handed to the same delivery queue (``sms_to_phone``: sent by the worker, retried).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.links import absolute_reverse
from portal.notifications.services import sms_to_phone

from . import import_jobs, notifications, services
from .models import OwnerClaim


def run_registry_import(job_id: int) -> str:
    """Queued by ``import_jobs.import_job_start`` / ``import_job_apply``."""
    return import_jobs.import_job_run(job_id=job_id)


def expire_import_files() -> int:
    return import_jobs.import_jobs_expire()


def notify_claim_verified(claim_id: int) -> int:
    """Text the registry's own contact for the verified person (who may have no account) that
    the units were linked to an account, with the link to dispute it (a delivery of kind
    ``registry.units_linked``, sent by the worker after commit and retried on failure). Accounts (co-owners, the
    street office) are told through ``portal.notifications`` by the service itself."""
    claim = (
        OwnerClaim.objects.select_related("estate__jurisdiction", "person", "user")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None or claim.person is None or not claim.person.phone:
        return 0
    url = absolute_reverse("registry:dispute_link", services.dispute_token(claim))
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "units": "、".join(claim.units.order_by("code").values_list("code", flat=True)),
            "estate": claim.estate.name,
            "when": timezone.localtime(claim.decided_at).strftime("%Y-%m-%d %H:%M"),
            "org": notifications._org_name(claim) or _("a verifier"),
            "url": url,
        }
        text = (
            _(
                "[Gongzhi] Units %(units)s of %(estate)s were linked to a portal account on "
                "%(when)s (verified by %(org)s). Not you? Dispute it: %(url)s"
            )
            % params
        )
    sms_to_phone(phone=claim.person.phone, kind="registry.units_linked", text=text)
    return 1
