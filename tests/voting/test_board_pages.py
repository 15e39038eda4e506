"""Public board pages, the receipt check, the signing key and the vote PDFs (DOMAIN.md §1):
who may see what, and that nothing reveals a choice before the count."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse

from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, staff
from tests.pdfcheck import pdf_fonts, pdf_text, signature_valid
from tests.voting.factories import draft_vote, finish, link_user, open_vote, party
from voting import board, keys, services
from voting.models import VoteElector

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    estate = world.estates[0]
    add_units(
        estate,
        [("1-101", "100.00", "张三"), ("1-102", "100.00", "李四+王五"), ("1-103", "90.00", "D")],
    )
    other = world.estates[1]
    add_units(other, [("9-901", "80.00", "Z")])
    return {
        "estate": estate,
        "owner": link_user(party(estate, "张三")),
        "outsider": link_user(party(other, "Z")),
        "committee": staff(
            OrgKind.OWNERS_COMMITTEE,
            estate.jurisdiction,
            Role.MEMBER,
            organisation=world.committees[0],
        ),
        "other_committee": staff(
            OrgKind.OWNERS_COMMITTEE,
            other.jurisdiction,
            Role.MEMBER,
            organisation=world.committees[1],
        ),
    }


def _squash(text: str) -> str:
    return "".join(text.split())


def test_receipt_page_explains_and_checks(client, setup):
    """Anyone, without login, checks a receipt: found under the latest signed head, then shown
    as replaced after a change; a wrong code is not found. No choice appears."""
    estate = setup["estate"]
    vote = open_vote(estate, title="更换物业公司")
    first = services.ballot_cast(
        actor=None, vote=vote, party=party(estate, "张三"), choice="oppose"
    )
    url = reverse("voting:receipt")
    page = client.get(url, {"vote": vote.pk}).content.decode()
    assert "回执码证明您的选票已被记录在公开的投票公告板上，且无法被删除或篡改。" in page
    assert "您把回执码给谁看，谁就能在其中查到您的选择" in page  # the promise is exact (issue 18)
    assert "查阅平台审计日志的工作人员只能知道您参加了表决" in page
    # What the count cuts, and what it cannot (issue 18, links cut at the count).
    assert "计票时，平台删除公示记录与业主之间的全部关联" in page
    assert "纸质选票的扫描件能看出其选择" in page
    # Format 6: no area on the board; each choice's total stays public (the residual).
    assert "公告板上的记录不显示面积" in page and "只有一票弃权" in page
    assert "运行平台数据库的人能分辨哪一条记录是您的" in page  # before the count, said plainly
    pending = client.post(url, {"vote": vote.pk, "code": first.receipt}).content.decode()
    assert "您的选票已在公告板上" in pending and "签名" in pending
    board.board_head_sign(vote=vote)
    found = client.post(url, {"vote": vote.pk, "code": first.receipt.lower()}).content.decode()
    assert "badge ok" in found and "目前计入" in found
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "张三"), choice="agree")
    replaced = client.post(url, {"vote": vote.pk, "code": first.receipt}).content.decode()
    assert "已被替换" in replaced
    for text in (pending, found, replaced):
        assert "反对" not in text and "同意" not in text  # the choice is never shown
    missing = client.post(url, {"vote": vote.pk, "code": "00000-00000"}).content.decode()
    assert "没有找到" in missing
    bad = client.post(url, {"vote": vote.pk, "code": "??"})
    assert bad.status_code == 200 and "7K3QD-M9XAF" in bad.content.decode()


def test_board_page_public_after_open_only(client, setup):
    """The board page needs no login once the vote opened; drafts and scheduled votes are 404;
    it lists signed heads and never counts by choice while open."""
    estate = setup["estate"]
    draft = draft_vote(estate)
    assert client.get(reverse("voting:board", args=[draft.pk])).status_code == 404
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "D"), choice="agree")
    board.board_head_sign(vote=vote)
    response = client.get(reverse("voting:board", args=[vote.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    head = board.latest_head(vote)
    assert head.root in text and "同意" not in text
    assert reverse("voting:board_json", args=[vote.pk]) not in text


def test_signing_key_published(client, db):
    """/.well-known/gongzhi/board-signing-key gives the raw key (base64) and its PEM."""
    response = client.get("/.well-known/gongzhi/board-signing-key")
    assert response.status_code == 200
    text = response.content.decode()
    raw = base64.b64encode(keys.signing_public_key_bytes()).decode()
    assert raw in text.splitlines() and "-----BEGIN PUBLIC KEY-----" in text


def test_result_pdf(client, setup):
    """The result announcement: public once counted (404 before), Chinese title and figures,
    the CJK font embedded, the board's final root, signed validly."""
    estate = setup["estate"]
    vote = open_vote(estate, title="更换物业服务企业")
    url = reverse("voting:result_pdf", args=[vote.pk])
    for label, choice in [("张三", "agree"), ("李四+王五", "agree"), ("D", "oppose")]:
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)
    assert client.get(url).status_code == 404
    vote = finish(vote)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    text = _squash(pdf_text(pdf))
    assert "更换物业服务企业" in text and estate.name in text
    assert "表决结果公告" in text and "通过" in text
    assert "200.00" in text and "290.00" in text  # agreeing area, total area
    head = board.latest_head(vote)
    assert head.size == 3 and head.root in text
    assert f"/votes/{vote.pk}/board.json" in text
    assert "WenQuanYi" in pdf_fonts(pdf) and "yes" in pdf_fonts(pdf)
    assert signature_valid(pdf)


def test_paper_ballot_pdf_committee_only(client, setup):
    """Printable paper ballot per party: the estate's committee only; anonymous → login,
    an owner or another estate's committee → 403."""
    estate = setup["estate"]
    vote = open_vote(estate, title="增设电动车充电桩")
    elector = VoteElector.objects.get(vote=vote, party=party(estate, "李四+王五"))
    url = reverse("voting:ballot_pdf", args=[vote.pk, elector.pk])
    listing = reverse("voting:paper_ballots", args=[vote.pk])
    for target in (url, listing):
        response = client.get(target)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (setup["owner"], setup["other_committee"]):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(listing).status_code == 403
    client.force_login(setup["committee"])
    assert url in client.get(listing).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    pdf = response.content
    text = _squash(pdf_text(pdf))
    assert "增设电动车充电桩" in text and "李*、王*" in text and "100.00" in text
    assert "同意" in text and "反对" in text and "弃权" in text
    assert "李四" not in text
    assert "WenQuanYi" in pdf_fonts(pdf)
    assert signature_valid(pdf)


def test_no_public_export_or_pdf_for_outsiders_before_count(client, setup):
    """Before the count the export and result PDF are 404 for everyone, staff included."""
    estate = setup["estate"]
    vote = open_vote(estate)
    client.force_login(setup["committee"])
    assert client.get(reverse("voting:board_json", args=[vote.pk])).status_code == 404
    assert client.get(reverse("voting:result_pdf", args=[vote.pk])).status_code == 404
