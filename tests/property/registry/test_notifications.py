"""Claims and disputes tell the people who act next, and nobody else (issue 16): the estate's
committee (not another estate's), the claimant, the verified co-owners, the street office over
the estate (not another street's). Each email links, on the configured host, to the page where
the recipient acts, and that page opens for them."""

from __future__ import annotations

import pytest

from portal.organisations.models import OrgKind
from property.registry import services
from property.registry.models import DisputeChannel, Person
from tests.factories import add_units, make_user, staff
from tests.notifying import assert_link_opens, assert_told, use_base
from tests.property.registry.factories import committee_member, submit_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(world, settings):
    use_base(settings)
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "张三+李四"), ("1-102", "100.00", "王五")])
    co_owner = make_user()
    Person.objects.filter(name="李四").update(user=co_owner)
    return {
        "estate": estate,
        "committee": committee_member(world, 0),
        "other_committee": committee_member(world, 1),
        "street": staff(OrgKind.STREET_OFFICE, world.streets[0]),
        "other_street": staff(OrgKind.STREET_OFFICE, world.streets[1]),
        "co_owner": co_owner,
    }


def _claim(place, name="张三"):
    person = Person.objects.get(name=name)
    unit = person.parties.get().ownerships.get().unit
    return submit_claim(place["estate"], [unit], person)


def test_claim_submitted_verified_and_the_co_owner_and_office_told(
    client, place, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = _claim(place)
    others = [place["other_committee"], place["other_street"]]
    assert_told("registry.claim_submitted", to=[place["committee"]], not_to=[*others, claim.user])
    assert_link_opens(client, "registry.claim_submitted", place["committee"])

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_verify(actor=place["committee"], claim=claim)
    assert_told("registry.claim_verified", to=[claim.user], not_to=[place["co_owner"], *others])
    assert_link_opens(client, "registry.claim_verified", claim.user)
    assert_told("registry.units_linked", to=[place["co_owner"]], not_to=[claim.user, *others])
    assert_link_opens(client, "registry.units_linked", place["co_owner"])
    assert_told(
        "registry.claim_verified_office", to=[place["street"]], not_to=[*others, claim.user]
    )
    assert_link_opens(client, "registry.claim_verified_office", place["street"])

    with django_capture_on_commit_callbacks(execute=True):
        dispute = services.dispute_file(
            actor=place["co_owner"],
            claim=claim,
            statement="不是我的共有人",
            channel=DisputeChannel.CO_OWNER,
        )
    assert_told("registry.dispute_filed", to=[place["street"]], not_to=[*others, claim.user])
    assert_link_opens(client, "registry.dispute_filed", place["street"])
    assert_told("registry.account_disputed", to=[claim.user], not_to=[place["co_owner"]])
    assert_link_opens(client, "registry.account_disputed", claim.user)

    with django_capture_on_commit_callbacks(execute=True):
        services.dispute_decide(
            actor=place["street"], dispute=dispute, uphold=False, reason="本人到场核验"
        )
    assert_told("registry.dispute_decided", to=[claim.user, place["co_owner"]], not_to=[*others])
    assert_link_opens(client, "registry.dispute_decided", place["co_owner"])


def test_claim_rejected_tells_the_claimant_only(client, place, django_capture_on_commit_callbacks):
    claim = _claim(place, "王五")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_reject(actor=place["committee"], claim=claim, reason="证明材料不清晰")
    assert_told(
        "registry.claim_rejected", to=[claim.user], not_to=[place["co_owner"], place["street"]]
    )
    assert_link_opens(client, "registry.claim_rejected", claim.user)
