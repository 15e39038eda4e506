"""Rulings on objections to a vote's result (issue 16): the street office over the estate, or a
bureau above it, dismisses (the result stands) or upholds (the result is set aside) an open
objection with a written reason. While an objection is open the result does not become final;
the last dismissal after the objection period finalises it at once; upheld, the result is set
aside, never final, its board untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, staff
from tests.voting.factories import finish, link_user, open_vote, party
from voting import board, services, signals, tasks
from voting.models import BoardEntry, Objection, ObjectionStatus, VoteStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(world):
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "100.00", "B"), ("1-103", "90", "D")])
    other = world.estates[1]
    add_units(other, [("9-901", "80.00", "Z")])
    return {
        "world": world,
        "estate": estate,
        "a": link_user(party(estate, "A")),
        "b": link_user(party(estate, "B")),
        "outsider": link_user(party(other, "Z")),
        "committee": staff(
            OrgKind.OWNERS_COMMITTEE,
            estate.jurisdiction,
            Role.MEMBER,
            organisation=world.committees[0],
        ),
        "company": staff(OrgKind.PROPERTY_COMPANY, world.city, organisation=world.companies[0]),
        "street": staff(OrgKind.STREET_OFFICE, world.streets[0]),
        "other_street": staff(OrgKind.STREET_OFFICE, world.streets[1]),
        "residents": staff(OrgKind.RESIDENTS_COMMITTEE, world.communities[0]),
        "district": staff(OrgKind.BUREAU, world.districts[0]),
        "other_district": staff(OrgKind.BUREAU, world.districts[1]),
        "city": staff(OrgKind.BUREAU, world.city, organisation=world.bureau),
    }


def publicised(s):
    """A publicised vote (passed: A and B agree) with one open objection by B."""
    vote = open_vote(s["estate"])
    for label in ("A", "B"):
        services.ballot_cast(actor=None, vote=vote, party=party(s["estate"], label), choice="agree")
    vote = finish(vote)
    assert vote.status == VoteStatus.PUBLICISED and vote.outcome == "passed"
    objection = services.objection_file(
        actor=s["b"], vote=vote, text="纸质票送达有误", now=vote.publicised_at
    )
    return vote, objection


# ---- services -----------------------------------------------------------------------------------


def test_an_objection_starts_open(s):
    _vote, objection = publicised(s)
    assert objection.status == ObjectionStatus.OPEN
    assert (
        objection.answer == "" and objection.answered_by is None and objection.answered_at is None
    )


def test_dismissal_records_the_ruling_and_the_result_stands(s):
    vote, objection = publicised(s)
    services.objection_dismiss(actor=s["street"], objection=objection, reason="送达记录齐全")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED
    assert (objection.answer, objection.answered_by) == ("送达记录齐全", s["street"])
    assert objection.answered_at is not None
    vote.refresh_from_db()
    assert vote.status == VoteStatus.PUBLICISED  # the period runs on
    assert AuditEvent.objects.filter(action="voting.objection_dismissed").count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_ruling_needs_a_reason_and_writes_nothing_without(s, reason):
    vote, objection = publicised(s)
    for service in (services.objection_dismiss, services.objection_uphold):
        with pytest.raises(services.VoteError) as exc:
            service(actor=s["street"], objection=objection, reason=reason)
        assert exc.value.code == "reason"
    objection.refresh_from_db()
    vote.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN and vote.status == VoteStatus.PUBLICISED


def test_a_reason_is_limited_like_an_objection(s, settings):
    _vote, objection = publicised(s)
    limit = settings.GONGZHI["VOTE_OBJECTION_MAX_CHARS"]
    with pytest.raises(services.VoteError) as exc:
        services.objection_dismiss(
            actor=s["street"], objection=objection, reason="理" * (limit + 1)
        )
    assert exc.value.code == "too_long"
    services.objection_dismiss(actor=s["street"], objection=objection, reason="理" * limit)


def test_a_ruled_objection_cannot_be_ruled_again(s):
    _vote, objection = publicised(s)
    services.objection_dismiss(actor=s["street"], objection=objection, reason="无据")
    with pytest.raises(services.VoteError) as exc:
        services.objection_uphold(actor=s["street"], objection=objection, reason="改判")
    assert exc.value.code == "ruled"


def test_an_open_objection_holds_the_result_back_from_final(s):
    """vote_finalise refuses while an objection is open; the worker skips the vote (no error
    logged) and finalises it on a later run once the objection is dismissed."""
    vote, objection = publicised(s)
    after = vote.publicity_ends_at + timedelta(minutes=1)
    with pytest.raises(services.VoteError) as exc:
        services.vote_finalise(vote=vote, now=after)
    assert exc.value.code == "objections_open"
    moved = tasks.advance_votes(now=after)
    assert moved["finalised"] == 0
    vote.refresh_from_db()
    assert vote.status == VoteStatus.PUBLICISED


def test_a_dismissal_within_the_period_leaves_finalising_to_the_worker(s):
    vote, objection = publicised(s)
    services.objection_dismiss(
        actor=s["street"], objection=objection, reason="无据", now=vote.publicised_at
    )
    vote.refresh_from_db()
    assert vote.status == VoteStatus.PUBLICISED
    assert tasks.advance_votes(now=vote.publicity_ends_at)["finalised"] == 1
    vote.refresh_from_db()
    assert vote.status == VoteStatus.FINAL


def test_the_last_dismissal_after_the_period_finalises_at_once(s):
    vote, first = publicised(s)
    second = services.objection_file(
        actor=s["a"], vote=vote, text="另有疑问", now=vote.publicised_at
    )
    finalised = []

    def receiver(sender, vote, outcome, **kwargs):
        finalised.append((vote.pk, outcome))

    signals.vote_finalised.connect(receiver)
    try:
        after = vote.publicity_ends_at + timedelta(hours=1)
        services.objection_dismiss(actor=s["district"], objection=first, reason="无据", now=after)
        vote.refresh_from_db()
        assert vote.status == VoteStatus.PUBLICISED  # one still open
        assert finalised == []
        services.objection_dismiss(actor=s["street"], objection=second, reason="无据", now=after)
    finally:
        signals.vote_finalised.disconnect(receiver)
    vote.refresh_from_db()
    assert vote.status == VoteStatus.FINAL and vote.finalised_at == after
    assert finalised == [(vote.pk, "passed")]


def test_upholding_sets_the_result_aside_and_never_final(s):
    vote, objection = publicised(s)
    other = services.objection_file(
        actor=s["a"], vote=vote, text="另一异议", now=vote.publicised_at
    )
    entries = list(BoardEntry.objects.filter(vote=vote).values_list("n", "entry_hash"))
    heads = vote.tree_heads.count()
    sent = []

    def receiver(sender, vote, **kwargs):
        sent.append(vote.pk)

    signals.vote_set_aside.connect(receiver)
    try:
        services.objection_uphold(actor=s["street"], objection=objection, reason="送达不足")
    finally:
        signals.vote_set_aside.disconnect(receiver)
    vote.refresh_from_db()
    objection.refresh_from_db()
    other.refresh_from_db()
    assert sent == [vote.pk]
    assert vote.status == VoteStatus.SET_ASIDE and vote.set_aside_at is not None
    assert objection.status == ObjectionStatus.UPHELD and objection.answer == "送达不足"
    assert other.status == ObjectionStatus.CLOSED  # nothing left to rule
    # The figures and the board are kept as counted: still public and verifiable.
    assert vote.result is not None and vote.outcome == "passed"
    assert list(BoardEntry.objects.filter(vote=vote).values_list("n", "entry_hash")) == entries
    assert vote.tree_heads.count() == heads
    assert board.export_available(vote)
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "voting.objection_upheld",
        "voting.set_aside",
    }
    # Never final, whatever the worker does later.
    with pytest.raises(services.VoteError):
        services.vote_finalise(vote=vote, now=vote.publicity_ends_at + timedelta(days=1))
    tasks.advance_votes(now=vote.publicity_ends_at + timedelta(days=1))
    vote.refresh_from_db()
    assert vote.status == VoteStatus.SET_ASIDE


def test_no_ruling_once_the_result_is_no_longer_publicised(s):
    vote, objection = publicised(s)
    services.objection_dismiss(actor=s["street"], objection=objection, reason="无据")
    services.vote_finalise(vote=vote, now=vote.publicity_ends_at)
    late = Objection.objects.create(vote=vote, filed_by=s["a"], text="迟到的异议")
    with pytest.raises(services.VoteError) as exc:
        services.objection_uphold(actor=s["street"], objection=late, reason="x")
    assert exc.value.code == "bad_state"


# ---- who may rule -------------------------------------------------------------------------------


def test_who_may_rule(s):
    """The street office over the estate and the bureaus above it; nobody else."""
    _vote, objection = publicised(s)
    for who in ("street", "district", "city"):
        assert s[who].has_perm("voting.rule_objection", objection), who
    for who in (
        "a",
        "b",
        "outsider",
        "committee",
        "company",
        "other_street",
        "other_district",
        "residents",
    ):
        assert not s[who].has_perm("voting.rule_objection", objection), who


# ---- pages --------------------------------------------------------------------------------------


def rule_url(objection) -> str:
    return reverse("voting:objection_rule", args=[objection.pk])


@pytest.mark.parametrize(
    "who", ["a", "b", "committee", "company", "other_street", "other_district", "residents"]
)
def test_the_wrong_people_are_refused_the_ruling_page_and_cannot_rule(client, s, who):
    _vote, objection = publicised(s)
    client.force_login(s[who])
    assert client.get(rule_url(objection)).status_code == 403
    response = client.post(rule_url(objection), {"decision": "dismiss", "reason": "无据"})
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


def test_anonymous_is_sent_to_sign_in(client, s):
    _vote, objection = publicised(s)
    response = client.get(rule_url(objection))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["street", "district", "city"])
def test_the_rulers_see_the_list_and_the_page(client, s, who):
    vote, objection = publicised(s)
    client.force_login(s[who])
    listing = client.get(reverse("voting:objections_to_rule")).content.decode()
    assert rule_url(objection) in listing and vote.title in listing
    page = client.get(rule_url(objection)).content.decode()
    assert "纸质票送达有误" in page
    assert 'name="decision" value="dismiss"' in page and 'name="decision" value="uphold"' in page


def test_the_list_holds_only_the_rulers_own_area(client, s):
    _vote, objection = publicised(s)
    client.force_login(s["other_street"])
    assert (
        rule_url(objection) not in client.get(reverse("voting:objections_to_rule")).content.decode()
    )
    for who in ("a", "committee", "company", "residents"):
        client.force_login(s[who])
        assert client.get(reverse("voting:objections_to_rule")).status_code == 403, who


def test_dismissing_through_the_page(client, s):
    _vote, objection = publicised(s)
    client.force_login(s["street"])
    response = client.post(rule_url(objection), {"decision": "dismiss", "reason": "送达记录齐全"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED and objection.answered_by == s["street"]


def test_a_ruling_without_a_reason_is_refused_in_the_users_language(client, s):
    _vote, objection = publicised(s)
    client.force_login(s["street"])
    response = client.post(rule_url(objection), {"decision": "dismiss", "reason": ""})
    assert response.status_code == 200
    assert "必需字段" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


def test_upholding_asks_for_confirmation_first(client, s):
    vote, objection = publicised(s)
    client.force_login(s["district"])
    response = client.post(rule_url(objection), {"decision": "uphold", "reason": "送达不足"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="confirm" value="1"' in page and "送达不足" in page
    objection.refresh_from_db()
    vote.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN and vote.status == VoteStatus.PUBLICISED
    response = client.post(
        rule_url(objection), {"decision": "uphold", "reason": "送达不足", "confirm": "1"}
    )
    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.status == VoteStatus.SET_ASIDE


def test_the_set_aside_result_says_so_everywhere(client, s):
    """The public result page, the owner's vote page and the PDF say the result was set aside
    on an objection, with the ruling's reason; the board export stays downloadable."""
    vote, objection = publicised(s)
    services.objection_uphold(actor=s["street"], objection=objection, reason="送达不足十五日")
    result = client.get(reverse("voting:result", args=[vote.pk]))  # anonymous: public
    text = result.content.decode()
    assert result.status_code == 200
    assert "结果已撤销" in text and "送达不足十五日" in text
    client.force_login(s["a"])
    detail = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "结果已撤销" in detail and "送达不足十五日" in detail
    from tests.pdfcheck import pdf_text
    from voting.board_views import result_pdf_bytes

    pdf = pdf_text(result_pdf_bytes(vote))
    assert "送达不足十五日" in pdf and "撤销" in pdf


def test_the_owner_sees_the_status_and_ruling_of_their_own_objection(client, s):
    vote, objection = publicised(s)
    client.force_login(s["b"])
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "纸质票送达有误" in page and "待裁定" in page
    services.objection_dismiss(actor=s["street"], objection=objection, reason="送达记录齐全")
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "送达记录齐全" in page and "已驳回" in page
    # Another owner does not see B's objection.
    client.force_login(s["a"])
    assert (
        "纸质票送达有误"
        not in client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    )
