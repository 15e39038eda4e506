"""Ordinary use (matter 5) and raising (matter 6) go through an owners' vote created with
voting.services.vote_create; the request proceeds only when voting.signals.vote_finalised
says the vote passed (docs/contracts.md)."""

from decimal import Decimal

import pytest

from property.fund import services
from property.fund.models import FundRequest, Scope, Status
from voting.models import Vote
from voting.signals import vote_finalised, vote_set_aside

from .factories import cast

pytestmark = pytest.mark.django_db


def ordinary(c, kind, title):
    return services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        kind=kind,
        title=title,
        description="更换全部单元门禁系统",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("56000.00"),
        contractor="x",
    )


def test_ordinary_use_creates_matter_5_vote_and_proceeds_when_passed(world):
    c = cast(world)
    req = ordinary(c, "use", "门禁系统更换")
    vote = Vote.objects.get(pk=req.vote_id)
    assert (vote.matter, vote.estate_id, vote.status) == (5, c.estate.pk, "draft")
    vote_finalised.send(sender=Vote, vote=vote, outcome="passed")
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    services.fund_repair_accept(
        actor=c.company, request=req, final_cost=Decimal("55000.00"), invoice_number="1"
    )
    assert FundRequest.objects.get(pk=req.pk).status == Status.ACCEPTED


def test_raising_is_matter_6_and_stops_when_the_vote_fails(world):
    c = cast(world)
    req = ordinary(c, "raise", "续筹维修资金")
    vote = Vote.objects.get(pk=req.vote_id)
    assert vote.matter == 6
    vote_finalised.send(sender=Vote, vote=vote, outcome="failed")
    req.refresh_from_db()
    assert req.status == Status.REJECTED


def test_a_request_whose_vote_is_set_aside_does_not_proceed(world):
    """An objection to the result of the request's vote is upheld: the result is set aside
    (voting.signals.vote_set_aside); the request is rejected like a vote that did not pass, its
    decision says why, and the vote never becomes final."""
    from property.registry.models import OwnerParty
    from tests.voting.factories import finish, open_vote
    from voting import services as voting
    from voting.models import VoteStatus

    c = cast(world)
    req = ordinary(c, "use", "门禁系统更换")
    vote = open_vote(c.estate, matter=5)
    FundRequest.objects.filter(pk=req.pk).update(vote_id=vote.pk)
    party = OwnerParty.objects.get(estate=c.estate, members__user=c.owner)
    voting.ballot_cast(actor=None, vote=vote, party=party, choice="agree")
    vote = finish(vote)
    objection = voting.objection_file(
        actor=c.owner, vote=vote, text="计票有误", now=vote.publicised_at
    )
    voting.objection_uphold(actor=c.street, objection=objection, reason="送达不足")
    req.refresh_from_db()
    vote.refresh_from_db()
    assert vote.status == VoteStatus.SET_ASIDE
    assert req.status == Status.REJECTED
    assert "撤销" in req.decision_note


def test_the_set_aside_receiver_follows_the_contract(world):
    c = cast(world)
    req = ordinary(c, "raise", "续筹维修资金")
    vote = Vote.objects.get(pk=req.vote_id)
    vote_set_aside.send(sender=Vote, vote=vote)
    req.refresh_from_db()
    assert req.status == Status.REJECTED and req.decided_at is not None


def test_the_request_holds_its_vote_as_a_foreign_key(world):
    """The request points at its vote (and back), and the vote cannot be deleted under it."""
    from django.db.models import ProtectedError

    c = cast(world)
    req = ordinary(c, "use", "门禁系统更换")
    vote = Vote.objects.get(pk=req.vote_id)
    assert req.vote == vote and vote.fund_request == req
    assert FundRequest.objects.get(vote__title="门禁系统更换") == req
    with pytest.raises(ProtectedError):
        vote.delete()
