"""Text that owners and staff type into a vote is bounded (issue 14, finding 12: a 9 MB objection
made the result page 9.4 MB, and one account could file objections without end)."""

import pytest

from tests.factories import add_units
from tests.voting.factories import draft_vote, finish, link_user, open_vote, party
from voting import services
from voting.forms import CancelForm, ObjectionForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(e, [("1-101", "100.00", "A"), ("1-102", "90.00", "B")])
    return e


def test_an_objection_over_the_limit_is_refused_and_nothing_is_written(estate, settings):
    settings.GONGZHI = {**settings.GONGZHI, "VOTE_OBJECTION_MAX_CHARS": 2000}
    vote = open_vote(estate)
    user = link_user(party(estate, "A"))
    vote = finish(vote)
    with pytest.raises(services.VoteError) as exc:
        services.objection_file(actor=user, vote=vote, text="异" * 2001)
    assert exc.value.code == "too_long"
    assert vote.objections.count() == 0
    services.objection_file(actor=user, vote=vote, text="异" * 2000)
    assert vote.objections.count() == 1


def test_one_account_files_at_most_the_set_number_of_objections(estate, settings):
    settings.GONGZHI = {**settings.GONGZHI, "VOTE_OBJECTIONS_PER_ACCOUNT": 3}
    vote = open_vote(estate)
    user = link_user(party(estate, "A"))
    other = link_user(party(estate, "B"))
    vote = finish(vote)
    for n in range(3):
        services.objection_file(actor=user, vote=vote, text=f"第{n + 1}条异议")
    with pytest.raises(services.VoteError) as exc:
        services.objection_file(actor=user, vote=vote, text="第4条异议")
    assert exc.value.code == "too_many"
    services.objection_file(actor=other, vote=vote, text="另一位业主的异议")
    assert vote.objections.count() == 4


def test_the_objection_page_refuses_a_huge_post(client, estate):
    vote = open_vote(estate)
    user = link_user(party(estate, "A"))
    vote = finish(vote)
    client.force_login(user)
    response = client.post(f"/votes/{vote.pk}/object/", {"text": "x" * 1_000_000})
    assert response.status_code == 200  # the form again, with the error
    assert vote.objections.count() == 0


def test_forms_bound_their_text():
    assert not ObjectionForm({"text": "x" * 100_000}).is_valid()
    assert not CancelForm({"reason": "x" * 100_000}).is_valid()


def test_a_cancel_reason_over_the_limit_is_refused(estate):
    vote = draft_vote(estate)
    with pytest.raises(services.VoteError) as exc:
        services.vote_cancel(actor=None, vote=vote, reason="因" * 1001)
    assert exc.value.code == "too_long"
    vote.refresh_from_db()
    assert vote.status == "draft"
