"""Instant verification of claims: identity and certificate number against the registry, from
an account with an SMS-verified phone; otherwise the committee's manual review, as before."""

from dataclasses import replace

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from property.registry import instant, services
from property.registry.importer import export_bytes, plan_import, read_table
from property.registry.models import (
    ClaimStatus,
    OwnerClaim,
    Ownership,
    Person,
    certificate_problem,
    compact_certificate,
    mask_certificate,
)
from property.registry.selectors import is_verified_owner
from tests.factories import add_units, identity_number, make_user, staff
from tests.property.registry.factories import committee_member, csv_bytes, proof, registered_unit

pytestmark = pytest.mark.django_db

CERT = "皖(2021)芜湖市不动产权第0012345号"
OTHER_CERT = "皖(2021)芜湖市不动产权第0054321号"


def certified_unit(estate, code="1-101", name="张三", cert=CERT):
    """A unit whose current ownership carries ``cert``: (unit, person)."""
    unit, person = registered_unit(estate, code=code, name=name)
    ownership = unit.ownerships.get(end__isnull=True)
    ownership.set_certificate(cert)
    ownership.save()
    return unit, person


def claim(estate, units, person, *, user=None, number=None, cert=CERT, with_proof=False):
    return services.claim_submit(
        user=user or make_user(),
        estate=estate,
        units=units,
        name=person.name,
        identity_number=number or person.identity_number(),
        certificate_number=cert,
        proof=proof() if with_proof else None,
    )


# ---- the pure rule ----------------------------------------------------------------------

MATCH = instant.Facts(
    enabled=True,
    phone_verified=True,
    certificate_given=True,
    account_attempts=0,
    unit_attempts=0,
    max_account_attempts=3,
    max_unit_attempts=5,
    identity_holds_every_unit=True,
    certificate_recorded=True,
    certificate_matches=True,
    held_elsewhere=False,
)


@pytest.mark.parametrize(
    "change, outcome",
    [
        ({}, instant.Outcome.VERIFIED),
        ({"enabled": False}, instant.Outcome.OFF),
        ({"certificate_given": False}, instant.Outcome.NO_CERTIFICATE),
        ({"phone_verified": False}, instant.Outcome.NO_PHONE),
        ({"account_attempts": 3}, instant.Outcome.ACCOUNT_LIMIT),
        ({"unit_attempts": 5}, instant.Outcome.UNIT_LIMIT),
        ({"identity_holds_every_unit": False}, instant.Outcome.IDENTITY),
        (
            {"certificate_recorded": False, "certificate_matches": False},
            instant.Outcome.NOT_RECORDED,
        ),
        ({"certificate_matches": False}, instant.Outcome.CERTIFICATE),
        ({"held_elsewhere": True}, instant.Outcome.HELD),
        # The limit is asked before the registry: a guesser over it learns nothing.
        (
            {"account_attempts": 9, "identity_holds_every_unit": False},
            instant.Outcome.ACCOUNT_LIMIT,
        ),
    ],
)
def test_verdict(change, outcome):
    assert instant.verdict(replace(MATCH, **change)) == outcome


def test_certificate_numbers_compacted_checked_and_masked():
    assert compact_certificate(" 皖（2021）芜湖市不动产权第 0012345 号") == CERT
    assert certificate_problem(CERT) is None
    assert (
        certificate_problem("abc") == "length"
        and certificate_problem("不动产权证书号码") == "format"
    )
    assert mask_certificate(CERT) == "皖(2021)芜湖市不动产权第****345号"


# ---- claims -------------------------------------------------------------------------------


def test_matching_claim_is_verified_at_once_and_audit_logged(world):
    """Identity and certificate match, phone verified: verified with no staff step, the account
    linked to the registry person, the claimant told, the event in the audit log."""
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    number = person.identity_number()
    c = claim(estate, [unit], person)
    assert c.status == ClaimStatus.VERIFIED and c.person == person and c.decided_by is None
    assert c.instant_outcome == "verified" and not c.proof
    assert CERT not in c.certificate_encrypted and c.certificate_masked.endswith("345号")
    assert Person.objects.get(pk=person.pk).user == c.user
    assert is_verified_owner(c.user, unit=unit)
    event = AuditEvent.objects.get(action="registry.claim_verified_instantly")
    assert event.actor == c.user and event.object_id == str(c.pk)
    assert number not in str(event.details) and CERT not in str(event.details)
    assert Notification.objects.filter(recipient=c.user).exists()


@pytest.mark.parametrize("wrong", ["identity", "certificate"])
def test_wrong_identity_or_certificate_goes_to_manual_review(world, wrong):
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    kwargs = {"number": identity_number(777)} if wrong == "identity" else {"cert": OTHER_CERT}
    c = claim(estate, [unit], person, **kwargs)
    assert c.status == ClaimStatus.PENDING and c.instant_outcome == wrong
    assert Person.objects.get(pk=person.pk).user is None
    assert not AuditEvent.objects.filter(action="registry.claim_verified_instantly").exists()
    event = AuditEvent.objects.get(action="registry.claim_submitted")
    assert event.details["instant"] == wrong


def test_unit_already_held_by_another_account_goes_to_manual_review(world):
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    first = claim(estate, [unit], person)
    assert first.status == ClaimStatus.VERIFIED
    second = claim(estate, [unit], person)
    assert second.status == ClaimStatus.PENDING and second.instant_outcome == "held"
    assert Person.objects.get(pk=person.pk).user == first.user


def test_unrecorded_certificate_and_unverified_phone_go_to_manual_review(world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)  # no certificate number in the registry
    assert claim(estate, [unit], person).instant_outcome == "not_recorded"
    unit2, person2 = certified_unit(estate, code="1-102", name="李四")
    user = make_user()
    user.phone_verified = False
    user.save(update_fields=["phone_verified"])
    c = claim(estate, [unit2], person2, user=user)
    assert c.status == ClaimStatus.PENDING and c.instant_outcome == "no_phone"


def test_attempts_limited_per_account(world, settings):
    """After the account's attempts, even a right claim waits for a person."""
    settings.GONGZHI = {**settings.GONGZHI, "CLAIM_INSTANT_ATTEMPTS_PER_ACCOUNT": 2}
    estate = world.estates[0]
    user = make_user()
    for n in range(2):
        unit, person = certified_unit(estate, code=f"2-10{n}", name=f"王{n}")
        assert claim(estate, [unit], person, user=user, cert=OTHER_CERT).instant_outcome == (
            "certificate"
        )
    unit, person = certified_unit(estate, code="3-101", name="赵六")
    c = claim(estate, [unit], person, user=user)
    assert c.status == ClaimStatus.PENDING and c.instant_outcome == "account_limit"
    # Another account is not affected.
    unit, person = certified_unit(estate, code="3-102", name="钱七")
    assert claim(estate, [unit], person).status == ClaimStatus.VERIFIED


def test_attempts_limited_per_unit(world, settings):
    settings.GONGZHI = {**settings.GONGZHI, "CLAIM_INSTANT_ATTEMPTS_PER_UNIT": 2}
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    for _n in range(2):
        claim(estate, [unit], person, cert=OTHER_CERT)
    c = claim(estate, [unit], person)
    assert c.status == ClaimStatus.PENDING and c.instant_outcome == "unit_limit"


def test_setting_turns_it_off_everywhere_or_per_city(world, settings):
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    settings.GONGZHI = {
        **settings.GONGZHI,
        "CLAIM_INSTANT_VERIFICATION_OFF_CITIES": [world.city.code],
    }
    assert claim(estate, [unit], person).instant_outcome == "off"
    settings.GONGZHI = {
        **settings.GONGZHI,
        "CLAIM_INSTANT_VERIFICATION_OFF_CITIES": ["another-city"],
    }
    settings.GONGZHI = {**settings.GONGZHI, "CLAIM_INSTANT_VERIFICATION": False}
    unit2, person2 = certified_unit(estate, code="1-102", name="李四")
    assert claim(estate, [unit2], person2).instant_outcome == "off"
    settings.GONGZHI = {**settings.GONGZHI, "CLAIM_INSTANT_VERIFICATION": True}
    unit3, person3 = certified_unit(estate, code="1-103", name="王五")
    assert claim(estate, [unit3], person3).status == ClaimStatus.VERIFIED


def test_a_claim_needs_a_proof_or_the_certificate_number(world):
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    with pytest.raises(services.ClaimError):
        claim(estate, [unit], person, cert="")
    assert not OwnerClaim.objects.exists()


# ---- pages ----------------------------------------------------------------------------------


def claim_post(client, estate, unit, person, cert=CERT, number=None):
    return client.post(
        reverse("registry:claim_new"),
        {
            "estate": estate.pk,
            "unit_codes": unit.code,
            "name": person.name,
            "identity_number": number or person.identity_number(),
            "certificate_number": cert,
        },
    )


def test_web_claim_verified_at_once_lands_on_the_workbench(client, world):
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    user = make_user()
    client.force_login(user)
    response = claim_post(client, estate, unit, person, cert=" 皖（2021）芜湖市不动产权第0012345号")
    assert response.status_code == 302 and response["Location"] == reverse("workbench:home")
    page = client.get(response["Location"]).content.decode()
    assert unit.code in page and "当即确认" in page
    assert CERT not in page


def test_non_match_reason_shown_to_the_reviewer_never_to_the_claimant(client, world):
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    user = make_user()
    client.force_login(user)
    response = claim_post(client, estate, unit, person, cert=OTHER_CERT)
    assert response["Location"] == reverse("registry:claim_list")
    page = client.get(response["Location"]).content.decode()
    reason = "不动产权证书号与登记信息不一致"
    assert "人工核实" in page and reason not in page and "即时核验" not in page
    c = OwnerClaim.objects.get()
    review = reverse("registry:claim_review", args=[estate.code, c.pk])
    assert client.get(review).status_code == 403  # the claimant is no reviewer
    client.force_login(committee_member(world))
    page = client.get(review).content.decode()
    assert reason in page and OTHER_CERT not in page and mask_certificate(OTHER_CERT) in page
    queue = client.get(reverse("registry:claim_queue", args=[estate.code])).content.decode()
    assert reason in queue
    # Another estate's committee is refused.
    client.force_login(committee_member(world, 1))
    assert client.get(review).status_code in (403, 404)


def test_web_claim_without_proof_or_certificate_is_refused_and_writes_nothing(client, world):
    estate = world.estates[0]
    unit, person = certified_unit(estate)
    client.force_login(make_user())
    response = claim_post(client, estate, unit, person, cert="")
    assert response.status_code == 200
    assert "请填写不动产权证书号，或上传证书照片" in response.content.decode()
    response = claim_post(client, estate, unit, person, cert="12")
    assert "这不是有效的不动产权证书号" in response.content.decode()
    assert not OwnerClaim.objects.exists()


# ---- import and export ------------------------------------------------------------------------

HEADER = [
    "building",
    "unit",
    "use",
    "area",
    "area_source",
    "owners",
    "identity_numbers",
    "developer",
    "certificate",
]


def import_rows(estate, rows, header=HEADER):
    headers, table = read_table(csv_bytes(rows, header), "registry.csv")
    plan = plan_import(estate, headers, table)
    if plan.ok:
        services.registry_import(actor=None, plan=plan)
    return plan


def test_certificate_column_imported_encrypted_and_exported_masked(world):
    estate = world.estates[0]
    a = identity_number(401)
    plan = import_rows(
        estate,
        [
            [
                "1",
                "1-1-0101",
                "",
                "88.50",
                "",
                "张三",
                a,
                "no",
                "皖（2021）芜湖市不动产权第0012345号",
            ]
        ],
    )
    assert plan.ok, plan.errors
    ownership = Ownership.objects.get(unit__code="1-1-0101", end__isnull=True)
    assert ownership.certificate_number() == CERT and CERT not in ownership.certificate_encrypted
    masked = export_bytes(estate, "csv", clear_identity=False).decode("utf-8-sig")
    assert CERT not in masked and mask_certificate(CERT) in masked
    assert CERT in export_bytes(estate, "csv", clear_identity=True).decode("utf-8-sig")
    # A masked export imported back keeps the number; a changed one is recorded for the holder.
    headers, rows = read_table(export_bytes(estate, "csv", clear_identity=False), "r.csv")
    again = plan_import(estate, headers, rows)
    assert again.ok and again.unchanged == 1 and not again.certificate_updates
    plan = import_rows(estate, [["1", "1-1-0101", "", "88.50", "", "张三", a, "no", OTHER_CERT]])
    assert plan.summary()["certificates"] == 1 and not plan.owner_changes
    ownership.refresh_from_db()
    assert ownership.certificate_number() == OTHER_CERT


def test_bad_or_foreign_masked_certificate_refused(world):
    estate = world.estates[0]
    a = identity_number(402)
    plan = import_rows(estate, [["1", "1-1-0101", "", "88.50", "", "张三", a, "no", "abc"]])
    assert not plan.ok and "abc" in str(plan.errors[0])
    plan = import_rows(
        estate, [["1", "1-1-0101", "", "88.50", "", "张三", a, "no", mask_certificate(CERT)]]
    )
    assert not plan.ok and not Ownership.objects.filter(unit__code="1-1-0101").exists()


def test_unit_added_by_add_units_has_no_certificate(world):
    """The registry test helpers leave certificates empty: a claim then waits for a person."""
    estate = world.estates[0]
    units = add_units(estate, [("9-101", "80.00", "孙八")])
    assert not units["9-101"].ownerships.get().certificate_hash


def test_bureau_of_another_city_cannot_review(client, world):
    """Role and jurisdiction: a street office elsewhere gets no access to the claim review."""
    from portal.organisations.models import OrgKind

    estate = world.estates[0]
    unit, person = certified_unit(estate)
    c = claim(estate, [unit], person, cert=OTHER_CERT)
    outsider = staff(OrgKind.STREET_OFFICE, world.streets[1])
    client.force_login(outsider)
    response = client.get(reverse("registry:claim_review", args=[estate.code, c.pk]))
    assert response.status_code in (403, 404)
