"""Named domain operations of the registry: ownership claims and registry import.

Each is the mutating core: the caller (a view, a command) has already checked the user's
right (``registry.*`` perms in ``rules.py``). Each runs in one transaction and writes the
audit log; no personal data (names, identity numbers) ever goes into the log's details.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import log_event
from portal.core.crypto import encrypt_text
from portal.core.uploads import validate_upload

from . import guards
from .importer import ImportPlan, RowError, export_bytes
from .models import (
    Building,
    ClaimStatus,
    Estate,
    OwnerClaim,
    OwnerParty,
    Ownership,
    Person,
    Unit,
    mask_identity,
)


class ClaimError(ValidationError):
    """A claim operation refused for a reason the user can act on."""


class ImportRejected(Exception):
    """The whole file is refused; ``errors`` lists every bad row. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


# ---- claims -------------------------------------------------------------------------------


@transaction.atomic
def claim_submit(
    *, user, estate: Estate, units: Iterable[Unit], name: str, identity_number: str, proof
) -> OwnerClaim:
    """A signed-in resident claims units of one estate.

    Preconditions: ``user`` is authenticated; every unit belongs to ``estate``; ``proof`` is an
    uploaded file (validated here too). The claim starts pending; nothing links the user to a
    registry person until a verifier accepts it.
    """
    units = list(units)
    if not units:
        raise ClaimError(_("Choose at least one unit."), code="no_units")
    if any(u.estate_id != estate.pk for u in units):
        raise ClaimError(_("Every claimed unit must belong to the chosen estate."), code="estate")
    validate_upload(proof)
    claim = OwnerClaim(user=user, estate=estate, name=name.strip())
    claim.set_identity(identity_number)
    pending = OwnerClaim.objects.filter(
        user=user, status=ClaimStatus.PENDING, units__in=units
    ).exists()
    if pending:
        raise ClaimError(
            _("You already have a pending claim for one of these units."), code="duplicate"
        )
    claim.proof = proof
    claim.save()
    claim.units.set(units)
    log_event(
        actor=user,
        action="registry.claim_submitted",
        obj=claim,
        details={"units": sorted(u.code for u in units)},
    )
    return claim


def _lock_pending(claim: OwnerClaim) -> OwnerClaim:
    locked = OwnerClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != ClaimStatus.PENDING:
        raise ClaimError(_("This claim has already been decided."), code="decided")
    return locked


@transaction.atomic
def claim_verify(*, actor, claim: OwnerClaim) -> OwnerClaim:
    """Accept a pending claim: link the claimant's account to the registry person.

    Preconditions: ``actor`` holds ``registry.verify_claims`` on the claim's estate. Locks the
    claim row (two verifiers may click at once). Refused when the claim does not match the
    registry (identity hash not a member of the current holder of every claimed unit), when
    the person is already linked to another account, or the account to another person.
    """
    claim = _lock_pending(claim)
    person = claim.registry_match()
    if person is None:
        raise ClaimError(
            _("The claim does not match the registry: it can only be rejected."),
            code="no_match",
        )
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
    log_event(
        actor=actor,
        action="registry.claim_verified",
        obj=claim,
        details={"units": sorted(claim.units.values_list("code", flat=True))},
    )
    return claim


@transaction.atomic
def claim_reject(*, actor, claim: OwnerClaim, reason: str) -> OwnerClaim:
    """Reject a pending claim with a reason the claimant sees.

    Preconditions: ``actor`` holds ``registry.verify_claims`` on the claim's estate; ``reason``
    is not blank. Locks the claim row.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ClaimError(_("Give the reason for rejecting the claim."), code="reason")
    claim = _lock_pending(claim)
    claim.status = ClaimStatus.REJECTED
    claim.reason = reason
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    log_event(actor=actor, action="registry.claim_rejected", obj=claim, details={})
    return claim


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
    (of another estate) created meanwhile is shared, not created twice.
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
    if plan.registry_version is None or estate.registry_version != plan.registry_version:
        raise ImportRejected([_registry_changed()])
    area_codes = [row.code for _pk, row, fields in plan.changed_units if "area" in fields]
    refusals = guards.area_change_refusals(estate=estate, unit_codes=area_codes)
    if refusals:
        raise ImportRejected([RowError(1, message) for message in refusals])
    today = timezone.localdate()

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
    party_ids = dict(OwnerParty.objects.filter(estate=estate).values_list("key", "pk"))

    rows_by_code = {row.code: row for row in plan.rows}
    code_to_id = dict(Unit.objects.filter(estate=estate).values_list("code", "pk"))
    moved_ids = [code_to_id[code] for code, old, _new in plan.owner_changes if old]
    for i in range(0, len(moved_ids), 900):
        Ownership.objects.filter(unit_id__in=moved_ids[i : i + 900], end__isnull=True).update(
            end=today
        )
    Ownership.objects.bulk_create(
        [
            Ownership(
                unit_id=code_to_id[code],
                party_id=party_ids[rows_by_code[code].party_key()],
                start=today,
            )
            for code, _old, _new in plan.owner_changes
        ],
        batch_size=4000,
    )
    Estate.objects.filter(pk=estate.pk).update(registry_version=F("registry_version") + 1)
    summary = plan.summary()
    log_event(actor=actor, action="registry.imported", obj=estate, details=summary)
    return summary


def registry_export(*, actor, estate: Estate, fmt: str, clear_identity: bool) -> bytes:
    """The estate's registry as a CSV or XLSX file in the import format, audit-logged.

    Preconditions: the caller holds ``registry.export_registry`` on the estate, and passes
    ``clear_identity`` only for someone who holds ``registry.view_identity_numbers`` (the
    housing bureau, DOMAIN.md §1): everyone else gets masked identity numbers.
    """
    data = export_bytes(estate, fmt, clear_identity=clear_identity)
    log_event(
        actor=actor,
        action="registry.exported",
        obj=estate,
        details={"format": fmt, "identity": "clear" if clear_identity else "masked"},
    )
    return data
