"""A party frozen into an open vote keeps its vote (DOMAIN.md §1, Beijing practice).

Issue 14 finding 3: a registry import during an open vote that changed a unit's holder ended the
party's ownership, so its accounts got 403 on the vote while the party stayed in the
denominator, and the buyer's new party was not in the electorate: nobody could cast that vote.
Every test here changes the registry through the real import (``plan_import`` and
``services.registry_import``), as a company or the bureau would during the vote.
"""

import pytest
from django.urls import reverse

from property.registry import services as registry_services
from property.registry.importer import plan_import, read_table
from property.registry.models import OwnerParty, Person
from tests.factories import identity_number, make_user
from tests.property.registry.factories import csv_bytes
from tests.voting.factories import finish, open_vote
from voting.models import Ballot, BoardEntry
from voting.verify import verify_export

pytestmark = pytest.mark.django_db

SELLER, SECOND, THIRD, BUYER, CO = (identity_number(n) for n in (501, 502, 503, 504, 505))


def rows(holder_101=("张三", SELLER), holder_103=("孙七;周八", f"{THIRD};{CO}")):
    return [
        ["1", "1-101", "residential", "100.00", "registered", holder_101[0], holder_101[1], "no"],
        ["1", "1-102", "residential", "80.00", "registered", "李四", SECOND, "no"],
        ["1", "1-103", "residential", "60.00", "registered", holder_103[0], holder_103[1], "no"],
    ]


def import_rows(estate, table):
    headers, data = read_table(csv_bytes(table), "registry.csv")
    plan = plan_import(estate, headers, data)
    assert not plan.errors, plan.errors
    return registry_services.registry_import(actor=None, plan=plan)


def account_for(number):
    """A verified account for the registry person with this identity number."""
    person = Person.objects.by_identity(number).get()
    user = make_user()
    Person.objects.filter(pk=person.pk).update(user=user)
    return user


def party_of(number, estate):
    return OwnerParty.objects.get(
        estate=estate, members__identity_hash=Person.objects.by_identity(number).get().identity_hash
    )


def cast(client, user, vote, party, choice="agree"):
    client.force_login(user)
    return client.post(
        reverse("voting:cast", args=[vote.pk]),
        {"party": party.pk, "choice": choice, "confirm": "1"},
    )


@pytest.fixture
def estate(world):
    estate = world.estates[0]
    import_rows(estate, rows())
    return estate


def test_buyer_casts_the_frozen_vote_when_the_seller_had_not(client, estate):
    """The unit is sold during the vote and the seller had not voted: the buyer casts the frozen
    party's ballot (with its frozen weight); the seller no longer can; totals stay frozen."""
    seller = account_for(SELLER)
    vote = open_vote(estate)
    frozen = party_of(SELLER, estate)
    import_rows(estate, rows(holder_101=("赵六", BUYER)))
    buyer = account_for(BUYER)

    client.force_login(seller)
    assert client.get(reverse("voting:cast", args=[vote.pk])).status_code == 403

    client.force_login(buyer)
    assert client.get(reverse("voting:detail", args=[vote.pk])).status_code == 200
    assert client.get(reverse("voting:cast", args=[vote.pk])).status_code == 200
    response = cast(client, buyer, vote, frozen)
    assert response.status_code == 302 and "/my/" in response["Location"]
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.party == frozen and ballot.cast_by == buyer and ballot.area_centi == 10000

    vote.refresh_from_db()
    assert vote.total_heads == 3 and vote.total_area_centi == 24000
    vote = finish(vote)
    assert vote.result["participating"]["heads"] == 1


def test_ballot_the_seller_cast_stands(client, estate):
    """The seller voted before the sale: that ballot stands and counts; the buyer cannot replace
    it; the seller still sees their ballot and receipts."""
    seller = account_for(SELLER)
    vote = open_vote(estate)
    frozen = party_of(SELLER, estate)
    assert cast(client, seller, vote, frozen, "oppose").status_code == 302
    import_rows(estate, rows(holder_101=("赵六", BUYER)))
    buyer = account_for(BUYER)

    cast(client, buyer, vote, frozen, "agree")
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.cast_by == seller and BoardEntry.objects.filter(vote=vote).count() == 1

    client.force_login(seller)
    assert client.get(reverse("voting:detail", args=[vote.pk])).status_code == 200
    mine = client.get(reverse("voting:my_vote", args=[vote.pk]))
    assert mine.status_code == 200 and ballot.entry.receipt in mine.content.decode()

    vote = finish(vote)
    assert vote.result["oppose"]["heads"] == 1 and vote.result["agree"]["heads"] == 0


def test_partly_sold_party_keeps_its_whole_vote_with_the_seller(client, estate):
    """A party that still holds one of its frozen units keeps casting with its whole frozen area
    (a party's area is never split); the buyer of the other unit gets no vote in this vote."""
    import_rows(
        estate,
        [*rows(), ["1", "1-104", "residential", "40.00", "registered", "张三", SELLER, "no"]],
    )
    seller = account_for(SELLER)
    vote = open_vote(estate)
    frozen = party_of(SELLER, estate)
    import_rows(
        estate,
        [*rows(), ["1", "1-104", "residential", "40.00", "registered", "赵六", BUYER, "no"]],
    )
    buyer = account_for(BUYER)
    client.force_login(buyer)
    assert client.get(reverse("voting:cast", args=[vote.pk])).status_code == 403
    assert cast(client, seller, vote, frozen).status_code == 302
    assert Ballot.objects.get(vote=vote).area_centi == 14000


def test_co_owner_left_alone_keeps_the_vote(client, estate):
    """Co-owners 孙七 and 周八; the import leaves 孙七 the only holder (a new party): 孙七 still
    casts the frozen co-owners' ballot; 周八, who no longer holds the unit, cannot."""
    sun = account_for(THIRD)
    zhou = account_for(CO)
    vote = open_vote(estate)
    frozen = party_of(CO, estate)
    import_rows(estate, rows(holder_103=("孙七", THIRD)))
    client.force_login(zhou)
    assert client.get(reverse("voting:cast", args=[vote.pk])).status_code == 403
    assert cast(client, sun, vote, frozen).status_code == 302
    assert Ballot.objects.get(vote=vote).party == frozen


def test_frozen_votes_verify_on_the_board(client, estate):
    """A buyer's ballot is an ordinary entry of the frozen party: the export verifies."""
    account_for(SELLER)
    vote = open_vote(estate)
    frozen = party_of(SELLER, estate)
    import_rows(estate, rows(holder_101=("赵六", BUYER)))
    assert cast(client, account_for(BUYER), vote, frozen).status_code == 302
    assert Ballot.objects.filter(vote=vote).count() == 1
    vote = finish(vote)
    from voting import board

    assert verify_export(board.board_export(vote)).ok


def test_company_concerned_by_the_vote_cannot_record_sales_during_it(world, estate):
    """The same conflict of interest as for claims: with a vote on replacing it open, the company
    cannot import holder changes (a sale it records would hand a frozen party's vote to a buyer
    of its choosing); the bureau can, and the frozen party's vote then follows the sale."""
    from portal.organisations.models import OrgKind
    from property.registry.services import ImportRejected
    from tests.factories import staff
    from tests.property.registry.factories import company_staff

    vote = open_vote(estate, matter=4)
    headers, data = read_table(csv_bytes(rows(holder_101=("赵六", BUYER))), "registry.csv")
    plan = plan_import(estate, headers, data)
    with pytest.raises(ImportRejected):
        registry_services.registry_import(actor=company_staff(world), plan=plan)
    assert not Person.objects.by_identity(BUYER).exists()
    bureau = staff(OrgKind.BUREAU, world.city, organisation=world.bureau)
    registry_services.registry_import(actor=bureau, plan=plan_import(estate, headers, data))
    assert Person.objects.by_identity(BUYER).exists()
    assert vote.electors.count() == 3
