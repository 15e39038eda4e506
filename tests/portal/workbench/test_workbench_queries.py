"""The owner's workbench and own dashboard read the owner's receipts of every vote at once
(issue 21, the city bench: the workbench ran two queries a vote, 28 queries on a generated
city). With five votes an N+1 would add ten queries and break the bound."""

import pytest

from property.registry.models import OwnerParty
from tests.factories import make_owner
from tests.voting.factories import open_vote
from voting import services

pytestmark = pytest.mark.django_db

VOTES = 5


@pytest.fixture
def owner_with_receipts(world):
    """An owner who cast in five open votes (changing two ballots), a neighbour who cast too."""
    estate = world.estates[0]
    user, unit = make_owner(estate, "3-301")
    neighbour, other = make_owner(estate, "3-302")
    mine = OwnerParty.objects.get(ownerships__unit=unit)
    theirs = OwnerParty.objects.get(ownerships__unit=other)
    latest = {}
    for i in range(VOTES):
        vote = open_vote(estate, title=f"表决{i}")
        services.ballot_cast(actor=neighbour, vote=vote, party=theirs, choice="oppose")
        entry = services.ballot_cast(actor=user, vote=vote, party=mine, choice="agree")
        if i % 2:
            entry = services.ballot_cast(actor=user, vote=vote, party=mine, choice="abstain")
        latest[vote.pk] = entry.receipt
    return user, latest


def test_workbench_lists_every_receipt_in_a_bounded_number_of_queries(
    owner_with_receipts, client, django_assert_max_num_queries
):
    user, latest = owner_with_receipts
    client.force_login(user)
    # 18: whether each party answered the survey and rated its company this quarter are two
    # EXISTS in the parties' query, not a query each (they made it 20).
    with django_assert_max_num_queries(18):
        response = client.get("/workbench/")
    assert response.status_code == 200
    html = response.content.decode()
    for vote_pk, receipt in latest.items():
        # The latest receipt of each vote, linked to the receipt checker; voted, not "vote now".
        assert f"?vote={vote_pk}&amp;code={receipt}" in html
        assert f'href="/votes/{vote_pk}/my/"' in html
        assert f'href="/votes/{vote_pk}/cast/"' not in html


def test_own_dashboard_lists_every_receipt_in_a_bounded_number_of_queries(
    owner_with_receipts, client, django_assert_max_num_queries
):
    user, latest = owner_with_receipts
    client.force_login(user)
    with django_assert_max_num_queries(15):
        response = client.get("/dashboard/me/")
    assert response.status_code == 200
    html = response.content.decode()
    for receipt in latest.values():
        assert receipt in html


def test_parties_entries_keeps_each_partys_entries_oldest_first(owner_with_receipts, world):
    """The batched read gives what ``party_entries`` gives, pair by pair, and nothing else."""
    from voting.models import Vote
    from voting.selectors import parties_entries, party_entries

    votes = list(Vote.objects.filter(estate=world.estates[0]))
    parties = list(OwnerParty.objects.filter(estate=world.estates[0]))
    batched = parties_entries(votes, parties)
    for vote in votes:
        for party in parties:
            assert batched.get((vote.pk, party.pk), []) == party_entries(vote, party)
    # Each vote: the neighbour's entry and the owner's, two for every changed ballot.
    assert sum(len(v) for v in batched.values()) == 2 * VOTES + VOTES // 2


def test_survey_and_rating_items_leave_once_the_party_has_answered_and_rated(world):
    """The EXISTS annotations of the parties' query decide the two items: each one goes once
    its party has answered (the survey) or rated (this quarter), and only for that party."""
    from django.utils import timezone

    from portal.workbench.sections import owner_section
    from property.credit.complaint_services import owner_rating_submit
    from property.credit.services import credit_survey_answer

    user, unit = make_owner(world.estates[0], "5-101")
    party = OwnerParty.objects.get(ownerships__unit=unit)

    def urls():
        group = next(g for g in owner_section(user).groups if g.key == "surveys")
        return sorted(i.url for i in group.items)

    assert urls() == ["/credit/rate/", "/credit/survey/"]
    owner_rating_submit(actor=user, party=party, stars=4, reason="保洁及时")
    assert urls() == ["/credit/survey/"]
    credit_survey_answer(actor=user, party=party, satisfied=True, year=timezone.localdate().year)
    assert urls() == []
