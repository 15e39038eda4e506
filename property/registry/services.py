"""Named domain operations of the registry: ownership claims and registry import.

Each is the mutating core: the caller (a view, a command) has already checked the user's
right (``registry.*`` perms in ``rules.py``). Each runs in one transaction and writes the
audit log; no personal data (names, identity numbers) ever goes into the log's details.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal.audit import log_event
from portal.core.crypto import encrypt_text
from portal.core.errors import DomainError
from portal.core.signals import figures_changed
from portal.core.uploads import validate_upload
from portal.organisations.models import Jurisdiction

from . import guards, instant, notifications
from .importer import ImportPlan, RowError, export_bytes
from .models import (
    Building,
    ClaimDispute,
    ClaimStatus,
    DisputeChannel,
    DisputeStatus,
    Estate,
    OwnerClaim,
    OwnerParty,
    Ownership,
    Person,
    Unit,
    mask_identity,
)
from .rules import verification_refusal


class ClaimError(DomainError):
    """A claim operation refused for a reason the user can act on."""

    default_code = "claim"


class ImportRejected(Exception):
    """The whole file is refused; ``errors`` lists every bad row. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


# ---- claims -------------------------------------------------------------------------------


@transaction.atomic
def claim_submit(
    *,
    user,
    estate: Estate,
    units: Iterable[Unit],
    name: str,
    identity_number: str,
    proof=None,
    certificate_number: str = "",
) -> OwnerClaim:
    """A signed-in resident claims units of one estate.

    Preconditions: ``user`` is authenticated; every unit belongs to ``estate``; ``proof``, if
    given, is an uploaded file (validated here too). A claim gives a proof of ownership, the
    real-estate certificate number, or both. With the certificate number the claim is checked
    at once against the registry (``instant.verdict``): when it matches, it is verified here
    with no staff step (audit-logged as ``registry.claim_verified_instantly``); otherwise it
    starts pending for the owners' committee, the reason recorded for the reviewers only.
    """
    units = list(units)
    if not units:
        raise ClaimError(_("Choose at least one unit."), code="no_units")
    if any(u.estate_id != estate.pk for u in units):
        raise ClaimError(_("Every claimed unit must belong to the chosen estate."), code="estate")
    certificate_number = (certificate_number or "").strip()
    if not proof and not certificate_number:
        raise ClaimError(
            _("Give the certificate number or upload a photo of the certificate."),
            code="no_proof",
        )
    if proof:
        validate_upload(proof)
    claim = OwnerClaim(user=user, estate=estate, name=name.strip())
    claim.set_identity(identity_number)
    if certificate_number:
        claim.set_certificate(certificate_number)
    pending = OwnerClaim.objects.filter(
        user=user, status=ClaimStatus.PENDING, units__in=units
    ).exists()
    if pending:
        raise ClaimError(
            _("You already have a pending claim for one of these units."), code="duplicate"
        )
    if proof:
        claim.proof = proof
    outcome, person = _instant_check(user=user, estate=estate, units=units, claim=claim)
    claim.instant_outcome = outcome
    claim.save()
    claim.units.set(units)
    codes = sorted(u.code for u in units)
    log_event(
        actor=user,
        action="registry.claim_submitted",
        obj=claim,
        details={"units": codes, "instant": outcome},
    )
    if outcome == instant.Outcome.VERIFIED:
        _mark_verified(claim, person, actor=None)
        log_event(
            actor=user,
            action="registry.claim_verified_instantly",
            obj=claim,
            details={"units": codes, "checked": ["identity", "certificate", "phone"]},
        )
        _tell_verified(claim)
    else:
        notifications.tell_claim_submitted(claim)
    return claim


def instant_enabled(estate: Estate) -> bool:
    """Whether claims of this estate are checked at once: ``CLAIM_INSTANT_VERIFICATION`` on,
    and the estate's city not in ``CLAIM_INSTANT_VERIFICATION_OFF_CITIES`` (codes of city
    nodes of the jurisdiction tree)."""

    conf = settings.GONGZHI
    if not conf.get("CLAIM_INSTANT_VERIFICATION", True):
        return False
    off = set(conf.get("CLAIM_INSTANT_VERIFICATION_OFF_CITIES") or ())
    if not off:
        return True
    node = estate.jurisdiction
    city = Jurisdiction.objects.filter(path=node.path[: node.steplen]).values_list(
        "code", flat=True
    )
    return not off.intersection(city)


def _instant_check(*, user, estate: Estate, units: list[Unit], claim: OwnerClaim):
    """(outcome, registry person or None): the facts of ``instant.verdict`` read from the
    registry. Attempts are counted over ``CLAIM_INSTANT_WINDOW_HOURS``, per account and per
    unit; the rows of the claimed units' current ownerships are locked so that two claims of
    the same unit are counted one after the other."""

    conf = settings.GONGZHI
    since = timezone.now() - timedelta(hours=int(conf["CLAIM_INSTANT_WINDOW_HOURS"]))
    tried = OwnerClaim.objects.filter(submitted_at__gte=since, instant_outcome__in=instant.ATTEMPTS)
    ownerships = list(
        Ownership.objects.select_for_update()
        .filter(unit__in=units, end__isnull=True)
        .order_by("pk")
    )
    unit_attempts = max(
        (tried.filter(units=u).values("pk").distinct().count() for u in units), default=0
    )
    person = Person.objects.filter(identity_hash=claim.identity_hash).first()
    if person is not None:
        held = Ownership.objects.filter(
            unit__in=units, end__isnull=True, party__members=person
        ).count()
        person = person if held == len(units) else None
    held_elsewhere = False
    if person is not None:
        held_elsewhere = bool(person.user_id and person.user_id != user.pk) or (
            Person.objects.filter(user_id=user.pk).exclude(pk=person.pk).exists()
        )
    by_unit = {o.unit_id: o for o in ownerships}
    recorded = len(by_unit) == len(units) and all(o.certificate_hash for o in ownerships)
    facts = instant.Facts(
        enabled=instant_enabled(estate),
        phone_verified=bool(getattr(user, "phone", "") and getattr(user, "phone_verified", False)),
        certificate_given=bool(claim.certificate_hash),
        account_attempts=tried.filter(user=user).count(),
        unit_attempts=unit_attempts,
        max_account_attempts=int(conf["CLAIM_INSTANT_ATTEMPTS_PER_ACCOUNT"]),
        max_unit_attempts=int(conf["CLAIM_INSTANT_ATTEMPTS_PER_UNIT"]),
        identity_holds_every_unit=person is not None,
        certificate_recorded=recorded,
        certificate_matches=recorded
        and all(o.certificate_hash == claim.certificate_hash for o in ownerships),
        held_elsewhere=held_elsewhere,
    )
    outcome = instant.verdict(facts)
    return str(outcome), person if outcome == instant.Outcome.VERIFIED else None


def _lock_pending(claim: OwnerClaim) -> OwnerClaim:
    locked = OwnerClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != ClaimStatus.PENDING:
        raise ClaimError(_("This claim has already been decided."), code="decided")
    return locked


def _refuse_conflicted(actor, claim: OwnerClaim) -> None:
    """DOMAIN.md §1 "Conflicts of interest": no decision by an organisation that a scheduled or
    open vote of the estate concerns. Asked inside the transaction, after the claim's lock."""

    reason = verification_refusal(actor, claim.estate)
    if reason:
        raise ClaimError(reason, code="conflict")


def _conflicted(actor, estate: Estate) -> bool:

    return verification_refusal(actor, estate) is not None


def _after_commit(task: str, *args) -> None:
    """Queue a worker task once the current transaction has committed (never in the request)."""

    transaction.on_commit(lambda: async_task(task, *args))


@transaction.atomic
def claim_verify(*, actor, claim: OwnerClaim) -> OwnerClaim:
    """Accept a pending claim: link the claimant's account to the registry person.

    Preconditions: ``actor`` holds ``registry.verify_claims`` on the claim's estate. Locks the
    claim row (two verifiers may click at once). Refused when the claim does not match the
    registry (identity hash not a member of the current holder of every claimed unit), when
    the person is already linked to another account, or the account to another person, and
    when a scheduled or open vote of the estate concerns the actor's organisation. Once
    committed, the worker tells the registry's contact for the person and the street office
    (``tasks.notify_claim_verified``).
    """
    claim = _lock_pending(claim)
    _refuse_conflicted(actor, claim)
    person = claim.registry_match()
    if person is None:
        raise ClaimError(
            _("The claim does not match the registry: it can only be rejected."),
            code="no_match",
        )
    _mark_verified(claim, person, actor=actor)
    log_event(
        actor=actor,
        action="registry.claim_verified",
        obj=claim,
        details={"units": sorted(claim.units.values_list("code", flat=True))},
    )
    _tell_verified(claim)
    return claim


def _mark_verified(claim: OwnerClaim, person: Person, *, actor) -> None:
    """Link the claimant's account to ``person`` and mark the claim verified (``actor`` None:
    verified at once by the instant check). Refused when the person is linked to another
    account or the account to another person."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id and person.user_id != claim.user_id:
        raise ClaimError(_("This owner is already linked to another account."), code="person_taken")
    other = Person.objects.filter(user_id=claim.user_id).exclude(pk=person.pk).exists()
    if other:
        raise ClaimError(
            _("The claimant's account is already linked to another owner."), code="user_taken"
        )
    if person.user_id != claim.user_id:
        person.user_id = claim.user_id
        person.save(update_fields=["user"])
    claim.status = ClaimStatus.VERIFIED
    claim.person = person
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.reason = ""
    claim.save(update_fields=["status", "person", "decided_by", "decided_at", "reason"])


def _tell_verified(claim: OwnerClaim) -> None:
    notifications.tell_claim_decided(claim)
    notifications.tell_units_linked(
        claim, dispute_path=reverse("registry:dispute_link", args=[dispute_token(claim)])
    )
    _after_commit("property.registry.tasks.notify_claim_verified", claim.pk)


@transaction.atomic
def claim_reject(*, actor, claim: OwnerClaim, reason: str) -> OwnerClaim:
    """Reject a pending claim with a reason the claimant sees.

    Preconditions: ``actor`` holds ``registry.verify_claims`` on the claim's estate; ``reason``
    is not blank. Locks the claim row. Refused like a verification when a scheduled or open vote
    concerns the actor's organisation: a rejection keeps an owner out of the vote as surely as a
    false verification lets someone in.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ClaimError(_("Give the reason for rejecting the claim."), code="reason")
    claim = _lock_pending(claim)
    _refuse_conflicted(actor, claim)
    claim.status = ClaimStatus.REJECTED
    claim.reason = reason
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    log_event(actor=actor, action="registry.claim_rejected", obj=claim, details={})
    notifications.tell_claim_decided(claim)
    return claim


# ---- disputes of a verification ----------------------------------------------------------

DISPUTE_SALT = "registry.claim-dispute"


def dispute_token(claim: OwnerClaim) -> str:
    """The token in the link sent to the registered contact: it names the verified claim and
    proves that whoever follows it received the message (Django's signing, salted)."""
    return signing.dumps(claim.pk, salt=DISPUTE_SALT, compress=True)


def claim_for_dispute_token(token: str) -> OwnerClaim | None:
    try:
        pk = signing.loads(token, salt=DISPUTE_SALT)
    except signing.BadSignature:
        return None
    return OwnerClaim.objects.select_related("estate", "user", "person").filter(pk=pk).first()


@transaction.atomic
def dispute_file(*, actor, claim: OwnerClaim, statement: str, channel: str) -> ClaimDispute:
    """The registered owner disputes a verification; the verified account is suspended at once.

    Preconditions: the caller established that ``actor`` speaks for the registered owner, through
    ``channel``: ``contact`` (followed the link sent to the registry's contact for the person) or
    ``co_owner`` (a verified co-owner of the claimed units). The claim is verified; the actor is
    not the verified account; the statement is not blank. Locks the claim. One open dispute per
    claim: a second is refused. The worker tells the street office (``tasks.notify_dispute``).
    """
    statement = (statement or "").strip()
    if not statement:
        raise ClaimError(_("Say why this verification is wrong."), code="statement")
    if channel not in DisputeChannel.values:
        raise ClaimError(_("This dispute cannot be filed this way."), code="channel")
    claim = OwnerClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.VERIFIED:
        raise ClaimError(_("Only a verified claim can be disputed."), code="not_verified")
    if actor.pk == claim.user_id:
        raise ClaimError(_("You cannot dispute your own verification."), code="own")
    if ClaimDispute.objects.filter(claim=claim, status=DisputeStatus.OPEN).exists():
        raise ClaimError(
            _("This verification is already disputed; the street office is deciding."),
            code="open",
        )
    dispute = ClaimDispute.objects.create(
        claim=claim,
        account_id=claim.user_id,
        filed_by=actor,
        channel=channel,
        statement=statement[:2000],
    )
    log_event(
        actor=actor,
        action="registry.claim_disputed",
        obj=claim,
        details={"dispute": dispute.pk, "channel": channel},
    )
    notifications.tell_dispute(dispute, "filed")
    return dispute


@transaction.atomic
def dispute_decide(*, actor, dispute: ClaimDispute, uphold: bool, reason: str) -> ClaimDispute:
    """The street office decides an open dispute, with a reason.

    Preconditions: ``actor`` holds ``registry.decide_disputes`` on the estate; ``reason`` is not
    blank; the actor did not verify the disputed claim themselves. Locks the dispute and the
    claim. Upheld: the claim is revoked and the account unlinked from the registry person (it is
    no longer an owner; it stays suspended). Dismissed: the verification stands and, without
    another open dispute, the account's ballots count again. The worker tells both sides."""
    reason = (reason or "").strip()
    if not reason:
        raise ClaimError(_("Give the reason for the decision."), code="reason")
    dispute = ClaimDispute.objects.select_for_update().select_related("claim").get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise ClaimError(_("This dispute has already been decided."), code="decided")
    claim = OwnerClaim.objects.select_for_update().get(pk=dispute.claim_id)
    if claim.decided_by_id == actor.pk:
        raise ClaimError(
            _("You verified this claim yourself: a colleague must decide the dispute."),
            code="own_verification",
        )
    now = timezone.now()
    dispute.status = DisputeStatus.UPHELD if uphold else DisputeStatus.DISMISSED
    dispute.decided_by = actor
    dispute.decided_at = now
    dispute.reason = reason
    dispute.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if uphold:
        Person.objects.filter(pk=claim.person_id, user_id=claim.user_id).update(user=None)
        figures_changed(
            Person, OwnerParty.objects.filter(members=claim.person_id).values("estate_id")
        )
        claim.status = ClaimStatus.REVOKED
        claim.save(update_fields=["status"])
    log_event(
        actor=actor,
        action="registry.dispute_upheld" if uphold else "registry.dispute_dismissed",
        obj=claim,
        details={"dispute": dispute.pk},
    )
    notifications.tell_dispute(dispute, "decided")
    return dispute


# ---- import -------------------------------------------------------------------------------


def _registry_changed() -> RowError:
    return RowError(
        1,
        _(
            "The registry of this estate was changed by another import while this file was "
            "being checked. Nothing was imported: check the file again and import it."
        ),
    )


def registry_import(*, actor, plan: ImportPlan) -> dict[str, int]:
    """Apply an import plan to its estate, all or nothing.

    Preconditions: ``plan`` comes from ``importer.plan_import`` (the caller holds
    ``registry.import_registry`` on the estate). A plan with errors is refused
    (``ImportRejected``); so is a plan compared with an older registry than the current one (an
    import of the same estate finished in between: the estate row is locked and its
    ``registry_version`` compared), with a message saying so. The area guards are asked again
    inside the transaction. Units not in the file are kept. A holder change ends the current
    ownership today and starts a new one. A person new to the registry that another import
    (of another estate) created meanwhile is shared, not created twice. An organisation that a
    scheduled or open vote of the estate concerns (a conflict of interest, as for claims) may not
    change holders until it closes: a sale recorded by it would hand a frozen party's vote to a
    buyer of its choosing.
    """
    if not plan.ok:
        raise ImportRejected(plan.errors)
    try:
        return _registry_import(actor=actor, plan=plan)
    except IntegrityError:
        # Backstop: a unique constraint of the registry broken by a concurrent writer.
        raise ImportRejected([_registry_changed()]) from None


@transaction.atomic
def _registry_import(*, actor, plan: ImportPlan) -> dict[str, int]:
    estate = Estate.objects.select_for_update().get(pk=plan.estate.pk)
    _refuse_stale_or_guarded(actor, estate, plan)
    today = timezone.localdate()
    _write_units(estate, plan)
    party_ids = _write_parties(estate, plan)
    _write_holders(estate, plan, party_ids, today)
    _write_certificates(plan)
    Estate.objects.filter(pk=estate.pk).update(registry_version=F("registry_version") + 1)
    figures_changed(Unit, [estate.pk])
    summary = plan.summary()
    log_event(actor=actor, action="registry.imported", obj=estate, details=summary)
    return summary


def _refuse_stale_or_guarded(actor, estate: Estate, plan: ImportPlan) -> None:
    """``ImportRejected`` for a plan compared with an older registry, an area change a guard
    forbids now, or a holder change by an organisation a scheduled or open vote concerns.
    Preconditions: ``estate`` is locked."""
    if plan.registry_version is None or estate.registry_version != plan.registry_version:
        raise ImportRejected([_registry_changed()])
    area_codes = [row.code for _pk, row, fields in plan.changed_units if "area" in fields]
    refusals = guards.area_change_refusals(estate=estate, unit_codes=area_codes)
    if refusals:
        raise ImportRejected([RowError(1, message) for message in refusals])
    if plan.owner_changes and actor is not None and _conflicted(actor, estate):
        raise ImportRejected(
            [
                RowError(
                    1,
                    _(
                        "A vote that concerns your organisation is scheduled or open in this "
                        "estate: until it closes, you may not change who holds its units. The "
                        "housing bureau or the street office can."
                    ),
                )
            ]
        )


def _write_units(estate: Estate, plan: ImportPlan) -> None:
    """The plan's new buildings and units, and the changed units' building, use and area."""
    buildings = dict(estate.buildings.values_list("code", "pk"))
    new_buildings = Building.objects.bulk_create(
        [Building(estate=estate, code=code) for code in plan.new_buildings]
    )
    buildings.update({b.code: b.pk for b in new_buildings})

    Unit.objects.bulk_create(
        [
            Unit(
                estate=estate,
                building_id=buildings[row.building],
                code=row.code,
                use=row.use,
                area=row.area,
                area_source=row.area_source,
            )
            for row in plan.new_units
        ],
        batch_size=2000,
    )
    changed = []
    for pk, row, _fields in plan.changed_units:
        changed.append(
            Unit(
                pk=pk,
                building_id=buildings[row.building],
                use=row.use,
                area=row.area,
                area_source=row.area_source,
            )
        )
    Unit.objects.bulk_update(changed, ["building", "use", "area", "area_source"], batch_size=2000)


def _write_parties(estate: Estate, plan: ImportPlan) -> dict[str, int]:
    """The plan's new persons and parties with their members; returns every party of the
    estate's pk by its key."""
    # Persons belong to no estate: an import of another estate may be creating the same one.
    Person.objects.bulk_create(
        [
            Person(
                name=name,
                identity_encrypted=encrypt_text(number),
                identity_hash=h,
                identity_masked=mask_identity(number),
            )
            for h, (name, number) in plan.new_persons.items()
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    member_hashes = {h for _k, _l, hashes in plan.new_parties.values() for h in hashes}
    person_ids = {}
    hash_list = list(member_hashes)
    for i in range(0, len(hash_list), 900):
        person_ids.update(
            Person.objects.filter(identity_hash__in=hash_list[i : i + 900]).values_list(
                "identity_hash", "pk"
            )
        )
    parties = OwnerParty.objects.bulk_create(
        [
            OwnerParty(estate=estate, kind=kind, label=label[:200], key=key)
            for key, (kind, label, _hashes) in plan.new_parties.items()
        ],
        batch_size=2000,
    )
    through = OwnerParty.members.through
    through.objects.bulk_create(
        [
            through(ownerparty_id=party.pk, person_id=person_ids[h])
            for party in parties
            for h in plan.new_parties[party.key][2]
        ],
        batch_size=4000,
    )
    return dict(OwnerParty.objects.filter(estate=estate).values_list("key", "pk"))


def _write_holders(estate: Estate, plan: ImportPlan, party_ids: dict[str, int], today) -> None:
    """A holder change ends the unit's current ownership today and starts the new one."""
    rows_by_code = {row.code: row for row in plan.rows}
    code_to_id = dict(Unit.objects.filter(estate=estate).values_list("code", "pk"))
    moved_ids = [code_to_id[code] for code, old, _new in plan.owner_changes if old]
    for i in range(0, len(moved_ids), 900):
        Ownership.objects.filter(unit_id__in=moved_ids[i : i + 900], end__isnull=True).update(
            end=today
        )
    Ownership.objects.bulk_create(
        [
            _new_ownership(code_to_id[code], party_ids, rows_by_code[code], today)
            for code, _old, _new in plan.owner_changes
        ],
        batch_size=4000,
    )


def _write_certificates(plan: ImportPlan) -> None:
    """The certificate numbers the file gives for holders who keep their units."""
    updates = []
    current = dict(
        Ownership.objects.filter(
            unit_id__in=[uid for uid, _c, _n in plan.certificate_updates], end__isnull=True
        ).values_list("unit_id", "pk")
    )
    for unit_id, _code, number in plan.certificate_updates:
        ownership = Ownership(pk=current[unit_id])
        ownership.set_certificate(number)
        updates.append(ownership)
    Ownership.objects.bulk_update(
        updates,
        ["certificate_encrypted", "certificate_hash", "certificate_masked"],
        batch_size=2000,
    )


def _new_ownership(unit_id: int, party_ids: dict, row, today) -> Ownership:
    ownership = Ownership(unit_id=unit_id, party_id=party_ids[row.party_key()], start=today)
    if row.certificate:
        ownership.set_certificate(row.certificate)
    return ownership


def registry_export(*, actor, estate: Estate, fmt: str, clear_identity: bool) -> bytes:
    """The estate's registry as a CSV or XLSX file in the import format, audit-logged.

    Preconditions: the caller holds ``registry.export_registry`` on the estate, and passes
    ``clear_identity`` only for someone who holds ``registry.view_identity_numbers`` (the
    housing bureau, DOMAIN.md §1): everyone else gets masked identity and certificate numbers.
    """
    data = export_bytes(estate, fmt, clear_identity=clear_identity)
    log_event(
        actor=actor,
        action="registry.exported",
        obj=estate,
        details={"format": fmt, "identity": "clear" if clear_identity else "masked"},
    )
    return data


# --- the owner's contact on canvass lists ---------------------------------------------------


def contact_allow(*, actor, allow: bool, now=None) -> bool:
    """Show (``allow``) or hide the phone of ``actor``'s registry person on the canvass lists
    of their estates' votes, which the owners' committee and the street office use to call or
    visit owners who have not voted. Returns whether anything changed.

    Preconditions: ``actor`` is linked to a registry person (a verified owner); otherwise
    ``ClaimError`` (code ``no_person``) and nothing is written."""
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(user=actor).first()
        if person is None:
            raise ClaimError(
                _("Only a verified owner can choose whether their phone is shown."),
                code="no_person",
            )
        if bool(person.contact_allowed_at) == allow:
            return False
        person.contact_allowed_at = (now or timezone.now()) if allow else None
        person.save(update_fields=["contact_allowed_at"])
        log_event(
            actor=actor,
            action="registry.contact_allowed" if allow else "registry.contact_withdrawn",
            obj=person,
        )
    return True
