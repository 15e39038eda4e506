"""Phone numbers are masked (139****5678) wherever someone other than their owner sees them
(issue 14, finding 13b): the audit log showed a phone-only account's full number to staff.
The owner still sees their own number in full on their account pages."""

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.audit import log_event
from portal.audit.models import AuditEvent
from portal.core.masking import mask_phone, mask_phones_in
from portal.organisations.models import OrgKind
from property.registry import services
from tests.factories import staff
from tests.property.registry.factories import committee_member, proof, registered_unit

PHONE = "+8613912345678"
CLEAR = "13912345678"
MASKED = "139****5678"


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("+8613912345678", "139****5678"),
        ("13912345678", "139****5678"),
        ("139 1234 5678", "139****5678"),
        ("+85291234567", "****4567"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, shown):
    assert mask_phone(phone) == shown


def test_mask_phones_in_text():
    assert mask_phones_in(f"{PHONE} and 13800001111.") == "+86139****5678 and 138****1111."
    assert mask_phones_in("room 1-1203, 2024") == "room 1-1203, 2024"


def phone_only_account() -> User:
    """An account as a resident's phone sign-up leaves it: no name, no email."""
    return User.objects.create_user(phone=PHONE, password="pw-Gongzhi-2026", phone_verified=True)


@pytest.mark.django_db
def test_phone_only_account_is_named_by_its_masked_number():
    user = phone_only_account()
    assert str(user) == MASKED
    assert CLEAR not in user.username


@pytest.mark.django_db
def test_audit_log_masks_the_actors_phone(client, world):
    """A phone-only resident's action in the audit log: staff see 139****5678, in the list and
    the detail view, for new events and for events written before masking."""
    resident = phone_only_account()
    estate = world.estates[0]
    new = log_event(actor=resident, action="test.claimed", obj=estate)
    assert CLEAR not in new.actor_label
    old = AuditEvent(
        actor=resident,
        actor_label=PHONE,
        action="test.before",
        object_repr=f"claim by {PHONE}",
        jurisdiction_path=estate.jurisdiction.path,
    )
    old.save()
    officer = staff(OrgKind.BUREAU, world.districts[0])
    client.force_login(officer)
    listing = client.get("/admin/audit/").content.decode()
    assert "test.claimed" in listing and "test.before" in listing
    assert CLEAR not in listing and MASKED in listing
    for event in (new, old):
        detail = client.get(f"/admin/audit/inspect/{event.pk}/").content.decode()
        assert CLEAR not in detail and MASKED in detail


@pytest.mark.django_db
def test_claim_pages_show_staff_the_masked_number(client, world):
    """The committee reviewing a phone-only resident's claim sees the account as 139****5678."""
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    resident = phone_only_account()
    client.force_login(resident)
    client.post(
        reverse("registry:claim_new"),
        {
            "estate": estate.pk,
            "unit_codes": unit.code,
            "name": person.name,
            "identity_number": person.identity_number(),
            "proof": proof(),
        },
    )
    claim = resident.owner_claims.get()
    member = committee_member(world)
    client.force_login(member)
    pages = [
        client.get(reverse("registry:claim_queue", args=[estate.code])),
        client.get(reverse("registry:claim_review", args=[estate.code, claim.pk])),
    ]
    services.claim_verify(actor=member, claim=claim)
    pages.append(client.get(reverse("registry:estate_detail", args=[estate.code])))
    for page in pages:
        assert page.status_code == 200
        assert CLEAR not in page.content.decode()
    assert MASKED in pages[1].content.decode()


@pytest.mark.django_db
def test_owner_sees_their_own_number_on_their_account_page(client):
    resident = phone_only_account()
    client.force_login(resident)
    page = client.get(reverse("account_change_phone")).content.decode()
    assert CLEAR in page
