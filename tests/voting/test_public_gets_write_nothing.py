"""No GET writes (issue 20): the public pages of a counted vote (the result PDF, the export,
the board page, the receipt check, the result page) run no INSERT, UPDATE or DELETE, not even
for a vote whose closing head is missing; the closing head is signed by the close itself."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import add_units
from tests.voting.factories import finish, open_vote, party
from voting import board, services
from voting.models import BoardEntry, TreeHead

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
PAGES = ("voting:result_pdf", "voting:board_json", "voting:board", "voting:result")


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(e, [("1-101", "100.00", "A"), ("1-102", "90.00", "B"), ("1-103", "80.00", "C")])
    return e


def _writes(client, vote) -> dict[str, list[str]]:
    found = {}
    for name in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(name, args=[vote.pk]))
        assert response.status_code in (200, 503), (name, response.status_code)
        found[name] = [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])]
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("voting:receipt"), {"vote": vote.pk})
    found["voting:receipt"] = [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])]
    return found


def test_the_close_signs_the_closing_head(estate):
    """vote_close signs the head over every entry, in its own transaction: nothing else must."""
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    assert not TreeHead.objects.filter(vote=vote).exists()
    services.vote_close(vote=vote, now=vote.closes_at)
    heads = list(TreeHead.objects.filter(vote=vote))
    assert [h.size for h in heads] == [BoardEntry.objects.filter(vote=vote).count()] == [1]
    assert board.board_head_sign(vote=vote) is None  # nothing left to sign


def test_public_gets_of_a_counted_vote_write_nothing(client, estate):
    vote = open_vote(estate)
    for label, choice in [("A", "agree"), ("B", "oppose")]:
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)
    vote = finish(vote)
    assert _writes(client, vote) == {name: [] for name in (*PAGES, "voting:receipt")}


def test_a_counted_vote_without_its_closing_head_is_shown_as_it_is(client, estate):
    """A vote counted without its closing head (closed and counted before the close signed it;
    the count now refuses such a board, so the heads are removed after it here): the pages show
    the heads that exist, the export is refused (no board no head covers is ever published),
    and no GET signs the missing head or writes anything else."""
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    board.sign_tree_heads()
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "B"), choice="agree")
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    services.vote_count(vote=vote, now=later, queue_export=False)
    TreeHead.objects.filter(vote=vote, size=2).delete()  # the closing and the final head
    vote.refresh_from_db()
    assert [h.size for h in TreeHead.objects.filter(vote=vote)] == [1]
    with pytest.raises(ValueError, match="closing head is missing"):
        board.board_export(vote)
    assert board.publish_missing_exports() == 0  # logged, never published
    assert not board.export_file(vote).exists()
    assert _writes(client, vote) == {name: [] for name in (*PAGES, "voting:receipt")}
    assert client.get(reverse("voting:board_json", args=[vote.pk])).status_code == 503
    assert [h.size for h in TreeHead.objects.filter(vote=vote)] == [1]
