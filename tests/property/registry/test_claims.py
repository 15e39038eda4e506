"""Ownership claims: submit, verify against the registry, reject with a reason; audit-logged."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from portal.audit.models import AuditEvent
from property.registry import services
from property.registry.models import ClaimStatus, OwnerClaim, Person
from property.registry.selectors import is_verified_owner
from tests.factories import add_units, identity_number, make_user
from tests.property.registry.factories import (
    PDF,
    committee_member,
    proof,
    registered_unit,
    submit_claim,
)

pytestmark = pytest.mark.django_db


def test_submit_is_pending_and_logged_without_personal_data(world):
    """A claim starts pending, stores the identity only encrypted, and is audit-logged."""
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    number = person.identity_number()
    claim = submit_claim(estate, [unit], person)
    assert claim.status == ClaimStatus.PENDING
    assert number not in claim.identity_encrypted and claim.identity_masked.endswith(number[-4:])
    event = AuditEvent.objects.get(action="registry.claim_submitted")
    assert event.object_id == str(claim.pk) and event.jurisdiction_path == estate.jurisdiction.path
    assert number not in str(event.details) and person.name not in str(event.details)
    assert not is_verified_owner(claim.user, estate=estate)


def test_verify_links_the_user_to_the_registry_person(world):
    """Verification links the account to the Person found by the keyed identity hash; only
    then is the user a verified owner."""
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person)
    member = committee_member(world)
    services.claim_verify(actor=member, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED and claim.person == person
    assert claim.decided_by == member
    assert Person.objects.get(pk=person.pk).user == claim.user
    assert is_verified_owner(claim.user, unit=unit)
    assert AuditEvent.objects.filter(action="registry.claim_verified", actor=member).exists()


def test_several_units_of_one_owner_in_one_claim(world):
    """A multi-unit owner claims all their units at once."""
    estate = world.estates[0]
    units = add_units(estate, [("1-101", "80.00", "王五"), ("P-001", "12.00", "王五")])
    person = units["1-101"].ownerships.get().party.members.get()
    claim = submit_claim(estate, list(units.values()), person)
    services.claim_verify(actor=committee_member(world), claim=claim)
    assert all(is_verified_owner(claim.user, unit=u) for u in units.values())


def test_mismatched_identity_can_only_be_rejected(world):
    """A claim whose identity number is not that of the unit's holder cannot be verified."""
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person, number=identity_number(777))
    assert claim.registry_match() is None
    with pytest.raises(ValidationError):
        services.claim_verify(actor=committee_member(world), claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    services.claim_reject(actor=committee_member(world), claim=claim, reason="身份证号不符")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and claim.reason == "身份证号不符"
    assert not is_verified_owner(claim.user)


def test_identity_of_a_person_holding_another_unit_does_not_match(world):
    """The identity must belong to the current holder of EVERY claimed unit."""
    estate = world.estates[0]
    unit, person = registered_unit(estate, "1-101")
    other, _ = registered_unit(estate, "1-102", name="赵六")
    claim = submit_claim(estate, [unit, other], person)
    assert claim.registry_match() is None


def test_reject_needs_reason_and_decided_claims_are_final(world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person)
    member = committee_member(world)
    with pytest.raises(ValidationError):
        services.claim_reject(actor=member, claim=claim, reason="  ")
    services.claim_verify(actor=member, claim=claim)
    with pytest.raises(ValidationError):
        services.claim_reject(actor=member, claim=claim, reason="late")
    with pytest.raises(ValidationError):
        services.claim_verify(actor=member, claim=claim)


def test_person_already_linked_to_another_account_is_refused(world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    first = submit_claim(estate, [unit], person)
    services.claim_verify(actor=committee_member(world), claim=first)
    second = submit_claim(estate, [unit], person)
    with pytest.raises(ValidationError):
        services.claim_verify(actor=committee_member(world), claim=second)


def test_duplicate_pending_claim_refused(world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    user = make_user()
    submit_claim(estate, [unit], person, user=user)
    with pytest.raises(ValidationError):
        submit_claim(estate, [unit], person, user=user)


def test_units_must_belong_to_the_estate(world):
    unit, person = registered_unit(world.estates[1])
    with pytest.raises(ValidationError):
        submit_claim(world.estates[0], [unit], person)


@pytest.mark.parametrize(
    "name,content",
    [
        ("cert.exe", b"MZ\x90\x00"),
        ("cert.gif", b"GIF89a"),
        ("cert.pdf", b"\x89PNG\r\n\x1a\nnot a pdf"),
        ("cert.png", b"%PDF-1.4 pretending"),
    ],
)
def test_proof_type_and_content_checked(world, name, content):
    """Proof must be jpg/png/pdf (settings.UPLOAD_ALLOWED_EXTENSIONS) and look like one."""
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    with pytest.raises(ValidationError):
        services.claim_submit(
            user=make_user(),
            estate=estate,
            units=[unit],
            name=person.name,
            identity_number=person.identity_number(),
            proof=proof(name, content),
        )
    assert not OwnerClaim.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_proof_size_limited(world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    with pytest.raises(ValidationError):
        services.claim_submit(
            user=make_user(),
            estate=estate,
            units=[unit],
            name=person.name,
            identity_number=person.identity_number(),
            proof=proof("big.pdf", PDF + b"0" * 2000),
        )
    services.claim_submit(
        user=make_user(),
        estate=estate,
        units=[unit],
        name=person.name,
        identity_number=person.identity_number(),
        proof=proof("small.pdf", PDF),
    )


def test_bad_identity_checksum_refused(world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    number = person.identity_number()
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(ValidationError):
        submit_claim(estate, [unit], person, number=wrong)
