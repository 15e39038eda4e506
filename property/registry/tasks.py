"""Background work of the registry (django-q2): registry imports and the hourly clean-up of
their stored files (``ensure_schedules`` registers it; the worker calls it at start through
``manage.py ensure_schedules``), and telling people about verifications and disputes.

Tasks only call services (``import_jobs``) or read and hand a ``portal.core.notify.Notice`` to
``portal.core.notify.send``: messages are in the portal's language (``settings.LANGUAGE_CODE``)
and carry no identity number.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.models import Schedule

from portal.core import notify
from portal.core.links import absolute_reverse

from . import import_jobs, selectors, services
from .models import ClaimDispute, OwnerClaim


def run_registry_import(job_id: int) -> str:
    """Queued by ``import_jobs.import_job_start`` / ``import_job_apply``."""
    return import_jobs.import_job_run(job_id=job_id)


def expire_import_files() -> int:
    return import_jobs.import_jobs_expire()


def ensure_schedules() -> None:
    """Register the registry's periodic jobs (idempotent)."""
    Schedule.objects.update_or_create(
        name="registry.expire_import_files",
        defaults={
            "func": "property.registry.tasks.expire_import_files",
            "schedule_type": Schedule.HOURLY,
            "repeats": -1,
        },
    )


def _units(claim: OwnerClaim) -> str:
    return "、".join(claim.units.order_by("code").values_list("code", flat=True))


def _verifier(claim: OwnerClaim) -> str:
    """The organisation that verified the claim, as the people told will know it."""
    from portal.organisations.models import Organisation

    if claim.decided_by_id is None:
        return ""
    orgs = Organisation.objects.filter(
        memberships__user_id=claim.decided_by_id, memberships__active=True
    )
    estate = claim.estate
    path = estate.jurisdiction.path
    for org in orgs.select_related("jurisdiction"):
        if org.pk == estate.company_id or path.startswith(org.jurisdiction.path):
            return org.name
    return ""


def notify_claim_verified(claim_id: int) -> int:
    """Tell the registered owner (the registry's phone for the person, and verified co-owners'
    accounts) and the street office over the estate that a claim was verified, with the link
    to dispute it."""
    claim = (
        OwnerClaim.objects.select_related("estate__jurisdiction", "person", "user")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None or claim.person is None:
        return 0
    url = absolute_reverse("registry:dispute_link", services.dispute_token(claim))
    co_owners = (
        get_user_model()
        .objects.filter(
            person__parties__estate=claim.estate,
            person__parties__members=claim.person,
            person__parties__ownerships__end__isnull=True,
        )
        .exclude(pk=claim.user_id)
        .distinct()
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        when = timezone.localtime(claim.decided_at).strftime("%Y-%m-%d %H:%M")
        params = {
            "units": _units(claim),
            "estate": claim.estate.name,
            "when": when,
            "org": _verifier(claim) or _("a verifier"),
            "url": url,
        }
        owner = notify.Notice(
            kind="registry.claim_verified",
            subject=_("Gongzhi: units %(units)s of %(estate)s were linked to an account") % params,
            body=_(
                "Units %(units)s of %(estate)s were linked to a portal account on %(when)s, "
                "verified by %(org)s. That account now votes for them.\n\n"
                "If this was not you or your co-owner, dispute it here; the account's ballots "
                "are suspended at once until the street office decides:\n%(url)s"
            )
            % params,
            sms=_(
                "[Gongzhi] Units %(units)s of %(estate)s were linked to a portal account on "
                "%(when)s (verified by %(org)s). Not you? Dispute it: %(url)s"
            )
            % params,
        )
        phones = [claim.person.phone] if claim.person.phone else []
        sent += notify.send(owner, users=co_owners, phones=phones)
        office = notify.Notice(
            kind="registry.claim_verified",
            subject=_("Claim verified in %(estate)s") % params,
            body=_(
                "A claim to units %(units)s of %(estate)s was verified on %(when)s by %(org)s. "
                "The registered owner was told and may dispute it; disputes come to you."
            )
            % params,
            sms=_("[Gongzhi] Claim to %(units)s of %(estate)s verified by %(org)s.") % params,
        )
        sent += notify.send(office, users=selectors.street_office_users(claim.estate))
    return sent


def notify_dispute(dispute_id: int, event: str) -> int:
    """``filed``: tell the street office a dispute waits for it (and the disputed account that
    its ballots are suspended). ``decided``: tell the account and whoever filed it."""
    dispute = (
        ClaimDispute.objects.select_related("claim__estate__jurisdiction", "account", "filed_by")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        return 0
    claim = dispute.claim
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        params = {"units": _units(claim), "estate": claim.estate.name}
        if event == "filed":
            params["url"] = absolute_reverse(
                "registry:dispute_review", claim.estate.code, dispute.pk
            )
            office = notify.Notice(
                kind="registry.claim_disputed",
                subject=_("A verification in %(estate)s is disputed") % params,
                body=_(
                    "The registered owner disputes the verification of units %(units)s of "
                    "%(estate)s. The account's ballots are suspended until you decide:\n%(url)s"
                )
                % params,
                sms=_("[Gongzhi] Verification of %(units)s of %(estate)s disputed: %(url)s")
                % params,
            )
            sent += notify.send(office, users=selectors.street_office_users(claim.estate))
            account = notify.Notice(
                kind="registry.claim_disputed",
                subject=_("Your verification for %(units)s is disputed") % params,
                body=_(
                    "The registered owner of units %(units)s of %(estate)s disputes that your "
                    "account is theirs. Until the street office decides, your account cannot "
                    "vote for them and its ballots do not count."
                )
                % params,
                sms=_(
                    "[Gongzhi] Your verification for %(units)s of %(estate)s is disputed; your "
                    "ballots are suspended until the street office decides."
                )
                % params,
            )
            sent += notify.send(account, users=[dispute.account])
        else:
            params["decision"] = dispute.get_status_display()
            params["reason"] = dispute.reason
            decided = notify.Notice(
                kind="registry.dispute_decided",
                subject=_("Dispute about %(units)s of %(estate)s decided") % params,
                body=_("The street office decided: %(decision)s.\n%(reason)s") % params,
                sms=_("[Gongzhi] Dispute about %(units)s of %(estate)s: %(decision)s.") % params,
            )
            sent += notify.send(decided, users=[dispute.account, dispute.filed_by])
    return sent
