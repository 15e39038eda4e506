"""What the voting pages say, as a person reads them (issue 15): statuses in the words people
use, lists joined the way each language joins them, messages that are true for who reads them.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import add_units, make_owner, make_user
from tests.voting.factories import link_user, open_vote, party
from voting.models import Channel, VoteStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(world):
    e = world.estates[0]
    add_units(e, [("1-101", "100.00", "A"), ("1-102", "100.00", "B")])
    return e


def _page(client, url, language="zh-hans") -> str:
    client.cookies["django_language"] = language
    return client.get(url).content.decode()


def _visible(html: str) -> str:
    """The page's text without tags, scripts or attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---- statuses ----------------------------------------------------------------------------------


def test_an_open_vote_is_in_progress_not_opened_like_a_door(client, estate):
    """The status of an open vote reads 进行中 ("打开" is what a door or a file does)."""
    owner = link_user(party(estate, "A"))
    vote = open_vote(estate)
    client.force_login(owner)
    for url in (reverse("voting:list"), reverse("voting:detail", args=[vote.pk])):
        text = _visible(_page(client, url))
        assert "进行中" in text and "打开" not in text, url


@pytest.mark.parametrize(
    "status, chinese",
    [
        (VoteStatus.DRAFT, "草稿"),
        (VoteStatus.SCHEDULED, "即将开始"),
        (VoteStatus.OPEN, "进行中"),
        (VoteStatus.CLOSED, "已截止"),
        (VoteStatus.COUNTED, "已计票"),
        (VoteStatus.PUBLICISED, "结果公示中"),
        (VoteStatus.FINAL, "结果已生效"),
        (VoteStatus.CANCELLED, "已取消"),
    ],
)
def test_every_vote_status_in_plain_chinese(status, chinese):
    with translation.override("zh-hans"):
        assert str(status.label) == chinese


def test_channels_are_named_as_voting_ways():
    with translation.override("zh-hans"):
        assert [str(c.label) for c in Channel] == ["网上投票", "纸质投票", "委托投票"]


# ---- lists -------------------------------------------------------------------------------------


def test_channels_joined_per_language(client, estate):
    """ "Online、Paper ballot、Proxy" was the Chinese enumeration comma in an English page."""
    owner = link_user(party(estate, "A"))
    vote = open_vote(estate)
    client.force_login(owner)
    url = reverse("voting:detail", args=[vote.pk])
    english = _visible(_page(client, url, "en"))
    assert "Online, Paper ballot, Proxy" in english
    assert "、" not in english
    assert "网上投票、纸质投票、委托投票" in _visible(_page(client, url))


def test_join_list_helper():
    from portal.core.words import join_list

    with translation.override("en"):
        assert join_list(["a", "b", "c"]) == "a, b, c"
        assert join_list([]) == ""
    with translation.override("zh-hans"):
        assert join_list(["甲", "乙"]) == "甲、乙"
        assert join_list(["甲"]) == "甲"


# ---- messages true for who reads them ----------------------------------------------------------


def test_verified_owner_of_an_estate_without_votes_is_not_told_to_get_verified(client, world):
    """An owner whose ownership is verified, in an estate with no vote, is told there is no vote
    in their estate yet — not to get verified."""
    owner, _unit = make_owner(world.estates[1])
    open_vote(world.estates[0])  # another estate's vote is none of theirs
    client.force_login(owner)
    for language, wrong, right in [
        ("zh-hans", "核验通过后", world.estates[1].name),
        ("en", "once their ownership is verified", "no vote"),
    ]:
        text = _visible(_page(client, reverse("voting:list"), language))
        assert wrong not in text, language
        assert right in text, language


def test_unverified_user_is_told_how_to_see_votes(client, world):
    """Someone with no verified unit learns that votes appear once a claim is verified, and
    where to claim."""
    user = make_user()
    client.force_login(user)
    html = _page(client, reverse("voting:list"))
    assert "认证" in _visible(html)
    assert reverse("registry:claim_new") in html


def test_vote_number_is_where_the_receipt_page_says(client, estate):
    """The receipt check asks for the vote number "shown on the vote's page and on your
    receipt": the vote page shows it, the "my vote and receipts" page shows it next to the
    receipt code, and the message after casting gives both."""
    owner = link_user(party(estate, "A"))
    vote = open_vote(estate)
    client.force_login(owner)
    client.cookies["django_language"] = "zh-hans"
    detail = _visible(client.get(reverse("voting:detail", args=[vote.pk])).content.decode())
    assert re.search(rf"表决编号\s*{vote.pk}\b", detail), detail[:400]
    cast = client.post(
        reverse("voting:cast", args=[vote.pk]),
        {"party": party(estate, "A").pk, "choice": "agree", "confirm": "1"},
        follow=True,
    )
    text = _visible(cast.content.decode())
    assert re.search(rf"表决编号\s*{vote.pk}\b", text)
    code = re.search(r"回执码\s*([0-9A-Z]{5}-[0-9A-Z]{5})", text).group(1)
    assert f"vote={vote.pk}" in cast.content.decode() and code in text
