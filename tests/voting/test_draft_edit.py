"""Drafts can be edited until the vote is scheduled (issue 16): a wrong date no longer means
cancel and re-create, leaving a cancelled twin that owners see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, make_owner, staff
from tests.voting.factories import draft_vote
from voting import services
from voting.models import Vote, VoteStatus

pytestmark = pytest.mark.django_db

FMT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def setup(world):
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A")])
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, estate.jurisdiction, Role.MEMBER, organisation=world.committees[0]
    )
    return {"estate": estate, "committee": committee, "world": world}


def _form(vote, **changes):
    local = timezone.localtime
    data = {
        "title": vote.title,
        "matter": vote.matter,
        "motion": vote.motion,
        "opens_at": local(vote.opens_at).strftime(FMT),
        "closes_at": local(vote.closes_at).strftime(FMT),
        "allow_change": "on",
        "channels": list(vote.channels),
        "concerns": "",
    }
    data.update(changes)
    return data


def test_service_edits_a_draft(setup):
    vote = draft_vote(setup["estate"], actor=setup["committee"])
    opens = vote.opens_at + timedelta(days=3)
    services.vote_update_draft(
        actor=setup["committee"],
        vote=vote,
        title="改正后的标题",
        matter=5,
        motion="新的动议",
        opens_at=opens,
        closes_at=opens + timedelta(days=5),
        channels=["online"],
    )
    vote = Vote.objects.get(pk=vote.pk)
    assert (vote.title, vote.matter, vote.motion, vote.opens_at, vote.channels) == (
        "改正后的标题",
        5,
        "新的动议",
        opens,
        ["online"],
    )
    assert AuditEvent.objects.filter(action="voting.draft_edited").count() == 1


def test_service_checks_like_create(setup):
    vote = draft_vote(setup["estate"])
    with pytest.raises(services.VoteError) as exc:
        services.vote_update_draft(
            actor=None,
            vote=vote,
            title="x",
            matter=1,
            motion="y",
            opens_at=vote.opens_at,
            closes_at=vote.opens_at - timedelta(hours=1),
        )
    assert exc.value.code == "times"


def test_service_refuses_after_scheduling(setup):
    vote = draft_vote(setup["estate"])
    services.vote_schedule(actor=None, vote=vote)
    with pytest.raises(services.VoteError) as exc:
        services.vote_update_draft(
            actor=None,
            vote=vote,
            title="改",
            matter=1,
            motion="改",
            opens_at=vote.opens_at,
            closes_at=vote.closes_at,
        )
    assert exc.value.code == "bad_state"
    assert Vote.objects.get(pk=vote.pk).title != "改"


def test_committee_edits_the_draft_on_its_page(client, setup):
    vote = draft_vote(setup["estate"], actor=setup["committee"])
    client.force_login(setup["committee"])
    detail = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert reverse("voting:edit", args=[vote.pk]) in detail
    url = reverse("voting:edit", args=[vote.pk])
    page = client.get(url).content.decode()
    assert vote.title in page
    new_opens = timezone.localtime(vote.opens_at + timedelta(days=2)).replace(
        second=0, microsecond=0
    )
    response = client.post(url, _form(vote, title="日期已改正", opens_at=new_opens.strftime(FMT)))
    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.title == "日期已改正" and vote.opens_at == new_opens
    assert vote.status == VoteStatus.DRAFT


def test_edit_page_refused_once_scheduled(client, setup):
    vote = draft_vote(setup["estate"], actor=setup["committee"])
    services.vote_schedule(actor=None, vote=vote)
    client.force_login(setup["committee"])
    url = reverse("voting:edit", args=[vote.pk])
    assert client.get(url).status_code == 302  # back to the vote, with a message
    client.post(url, _form(vote, title="改不了"))
    vote.refresh_from_db()
    assert vote.title != "改不了"
    detail = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert url not in detail


def test_owner_may_not_edit(client, setup):
    vote = draft_vote(setup["estate"])
    user, _unit = make_owner(setup["estate"], "1-102")
    client.force_login(user)
    assert client.get(reverse("voting:edit", args=[vote.pk])).status_code == 403
