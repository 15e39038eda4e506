"""Pages under /votes/: what each role sees and may do, and what nobody sees (DOMAIN.md §1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, make_user, staff
from tests.voting.factories import draft_vote, finish, link_user, open_vote, party
from voting import services
from voting.models import Ballot, ProxyAuthorization, Vote, VoteStatus

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def setup(world):
    estate = world.estates[0]
    add_units(
        estate,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "100.00", "B+C"),
            ("1-103", "100.00", "D"),
            ("1-104", "100.00", None),
        ],
    )
    other = world.estates[1]
    add_units(other, [("9-901", "80.00", "Z")])
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, estate.jurisdiction, Role.MEMBER, organisation=world.committees[0]
    )
    return {
        "world": world,
        "estate": estate,
        "owner": link_user(party(estate, "A")),
        "co1": link_user(party(estate, "B+C"), 0),
        "co2": link_user(party(estate, "B+C"), 1),
        "outsider": link_user(party(other, "Z")),
        "committee": committee,
        "other_committee": staff(
            OrgKind.OWNERS_COMMITTEE,
            other.jurisdiction,
            Role.MEMBER,
            organisation=world.committees[1],
        ),
        "bureau": staff(OrgKind.BUREAU, world.city, organisation=world.bureau),
    }


def _text(response) -> str:
    return response.content.decode()


def test_anonymous_sent_to_login(client, setup):
    """Anonymous visitors are sent to log in from every voting page that is not public (the
    list is the public index for them, and a result only once counted)."""
    vote = open_vote(setup["estate"])
    assert client.get(reverse("voting:list")).status_code == 200
    for name, args in [
        ("voting:detail", [vote.pk]),
        ("voting:cast", [vote.pk]),
        ("voting:paper", [vote.pk]),
        ("voting:proxies", [vote.pk]),
        ("voting:result", [vote.pk]),
        ("voting:create", [setup["estate"].code]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_owner_casts_with_confirmation_and_receipt(client, setup):
    """A verified owner reads the motion, chooses, confirms, gets a receipt; turnout moves."""
    vote = open_vote(setup["estate"])
    client.force_login(setup["owner"])
    detail = client.get(reverse("voting:detail", args=[vote.pk]))
    assert detail.status_code == 200 and reverse("voting:cast", args=[vote.pk]) in _text(detail)
    assert "0/4" in _text(detail)
    a = party(setup["estate"], "A")
    url = reverse("voting:cast", args=[vote.pk])
    assert client.get(url).status_code == 200
    confirm = client.post(url, {"party": a.pk, "choice": "agree"})
    assert confirm.status_code == 200 and 'name="confirm"' in _text(confirm)
    assert not Ballot.objects.exists()  # nothing cast before confirming
    done = client.post(url, {"party": a.pk, "choice": "agree", "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("voting:my_vote", args=[vote.pk])
    ballot = Ballot.objects.get(vote=vote)
    my = client.get(done["Location"])
    assert ballot.entry.receipt in _text(my) and ballot.entry.entry_hash in _text(my)
    detail = client.get(reverse("voting:detail", args=[vote.pk]))
    assert "1/4" in _text(detail) and ballot.entry.receipt in _text(detail)


def test_co_owners_share_one_ballot(client, setup):
    """Either co-owner may cast the party's ballot; the other sees that it was cast."""
    vote = open_vote(setup["estate"], allow_change=False)
    bc = party(setup["estate"], "B+C")
    client.force_login(setup["co1"])
    client.post(
        reverse("voting:cast", args=[vote.pk]), {"party": bc.pk, "choice": "oppose", "confirm": "1"}
    )
    client.force_login(setup["co2"])
    detail = client.get(reverse("voting:detail", args=[vote.pk]))
    receipt = Ballot.objects.get(vote=vote, party=bc).entry.receipt
    assert receipt in _text(detail)
    response = client.post(
        reverse("voting:cast", args=[vote.pk]), {"party": bc.pk, "choice": "agree", "confirm": "1"}
    )
    assert response.status_code == 302
    assert Ballot.objects.filter(vote=vote).count() == 1
    follow = client.get(response["Location"])
    assert "does not allow changes" in _text(follow) or "不允许" in _text(follow)


def test_wrong_estate_and_role_refused(client, setup):
    """Owners of another estate, other estates' committees and non-organisers get 403."""
    vote = open_vote(setup["estate"])
    client.force_login(setup["outsider"])
    for name in (
        "voting:detail",
        "voting:cast",
        "voting:my_vote",
        "voting:paper",
        "voting:proxies",
    ):
        assert client.get(reverse(name, args=[vote.pk])).status_code == 403, name
    client.force_login(setup["other_committee"])
    for name in ("voting:detail", "voting:paper", "voting:proxies", "voting:extend"):
        assert client.get(reverse(name, args=[vote.pk])).status_code == 403, name
    assert client.get(reverse("voting:create", args=[setup["estate"].code])).status_code == 403
    client.force_login(setup["owner"])
    for name in ("voting:paper", "voting:proxies", "voting:extend"):
        assert client.get(reverse(name, args=[vote.pk])).status_code == 403, name
    assert client.get(reverse("voting:create", args=[setup["estate"].code])).status_code == 403
    # A committee member is not an owner: no casting.
    client.force_login(setup["committee"])
    assert client.get(reverse("voting:cast", args=[vote.pk])).status_code == 403


def test_owners_do_not_see_drafts(client, setup):
    """A draft is visible to its organiser only."""
    vote = draft_vote(setup["estate"])
    client.force_login(setup["owner"])
    assert client.get(reverse("voting:detail", args=[vote.pk])).status_code == 403
    client.force_login(setup["committee"])
    assert client.get(reverse("voting:detail", args=[vote.pk])).status_code == 200


def test_no_interim_counts_anywhere(client, setup):
    """While open, no page shows counts by choice to anyone, staff included; the result page
    does not exist until the vote is counted."""
    vote = open_vote(setup["estate"])
    for label, choice in [("A", "agree"), ("D", "oppose")]:
        services.ballot_cast(
            actor=None, vote=vote, party=party(setup["estate"], label), choice=choice
        )
    for who in ("owner", "committee", "bureau", "co1"):
        client.force_login(setup[who])
        for name in ("voting:detail", "voting:result", "voting:paper", "voting:proxies"):
            response = client.get(reverse(name, args=[vote.pk]))
            if name == "voting:result":
                assert response.status_code == 404, who
            text = _text(response)
            # "agree" also appears in the rule's description; oppose/abstain and the by-choice
            # table appear only in a result.
            for word in (
                "Oppose",
                "反对",
                "Abstain",
                "弃权",
                "Ballots by choice",
                "各表决意见票数",
            ):
                if name == "voting:paper" and response.status_code == 200:
                    continue  # the paper-entry form offers the choices, shows no counts
                assert word not in text, (who, name, word)


def test_result_page_plain_words(client, setup):
    """After close the result page shows each figure against its threshold."""
    vote = open_vote(setup["estate"])
    for label in ("A", "B+C", "D"):
        services.ballot_cast(
            actor=None, vote=vote, party=party(setup["estate"], label), choice="agree"
        )
    finish(vote)
    client.force_login(setup["owner"])
    text = _text(client.get(reverse("voting:result", args=[vote.pk])))
    assert "3/4" in text and "75.0%" in text and "≥ 2/3" in text and "&gt; 1/2" in text
    assert "✓" in text


def test_committee_creates_and_schedules(client, setup):
    """The owners' committee creates a draft (with an attachment) and schedules it."""
    client.force_login(setup["committee"])
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        reverse("voting:create", args=[setup["estate"].code]),
        {
            "title": "安装充电桩",
            "matter": "8",
            "motion": "在地下车库安装充电桩。",
            "opens_at": (now + timedelta(days=10)).strftime(fmt),
            "closes_at": (now + timedelta(days=20)).strftime(fmt),
            "allow_change": "on",
            "channels": ["online", "paper"],
            "attachment": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test", "application/pdf"),
        },
    )
    assert response.status_code == 302, _text(response)
    vote = Vote.objects.get(title="安装充电桩")
    assert vote.status == VoteStatus.DRAFT and vote.channels == ["online", "paper"]
    assert vote.attachments.count() == 1
    client.post(reverse("voting:schedule", args=[vote.pk]))
    vote.refresh_from_db()
    assert vote.status == VoteStatus.SCHEDULED
    client.force_login(setup["owner"])
    att = vote.attachments.first()
    assert client.get(reverse("voting:attachment", args=[vote.pk, att.pk])).status_code == 200
    client.force_login(setup["outsider"])
    assert client.get(reverse("voting:attachment", args=[vote.pk, att.pk])).status_code == 403


def test_street_office_organises_only_without_committee(client, setup):
    """The street office may create votes only for an estate without an owners' committee."""
    world = setup["world"]
    office_user = staff(OrgKind.STREET_OFFICE, world.streets[0])
    client.force_login(office_user)
    url = reverse("voting:create", args=[setup["estate"].code])
    assert client.get(url).status_code == 403
    from portal.organisations.models import Organisation

    # The estate loses its owners' committee (here: the organisation becomes something else).
    Organisation.objects.filter(pk=world.committees[0].pk).update(kind=OrgKind.RESIDENTS_COMMITTEE)
    assert client.get(url).status_code == 200


def test_paper_ballot_entry(client, setup):
    """The committee enters a paper ballot with its scan; bad files are refused; the owner's own
    online ballot replaces it (DOMAIN.md §1, Shenzhen practice), and a paper ballot after the
    owner's online one is refused with a clear message (one ballot per party)."""
    vote = open_vote(setup["estate"])
    a = party(setup["estate"], "A")
    client.force_login(setup["committee"])
    url = reverse("voting:paper", args=[vote.pk])
    bad = client.post(
        url, {"party": a.pk, "choice": "agree", "scan": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert bad.status_code == 200 and not Ballot.objects.exists()
    ok = client.post(
        url,
        {"party": a.pk, "choice": "agree", "scan": SimpleUploadedFile("b.png", PNG, "image/png")},
    )
    assert ok.status_code == 302
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.channel == "paper" and ballot.entry.paper.scan
    client.force_login(setup["owner"])
    response = client.post(
        reverse("voting:cast", args=[vote.pk]), {"party": a.pk, "choice": "oppose", "confirm": "1"}
    )
    assert response.status_code == 302
    assert Ballot.objects.get(vote=vote).channel == "online"
    client.force_login(setup["committee"])
    again = client.post(
        url,
        {"party": a.pk, "choice": "agree", "scan": SimpleUploadedFile("c.png", PNG, "image/png")},
    )
    assert (
        "One ballot per party" in _text(again) or "一票" in _text(again) or "每个" in _text(again)
    )
    assert Ballot.objects.get(vote=vote).channel == "online"
    detail = _text(client.get(reverse("voting:detail", args=[vote.pk])))
    assert "Paper" in detail or "纸质" in detail


def test_proxy_flow(client, setup):
    """An owner uploads an authorization naming a proxy by phone; the committee approves; the
    proxy casts for the party; the owner can then no longer vote online."""
    vote = open_vote(setup["estate"])
    d = party(setup["estate"], "D")
    owner_d = link_user(d)
    proxy = make_user(phone="+8613900001111")
    client.force_login(owner_d)
    response = client.post(
        reverse("voting:proxy_request", args=[vote.pk]),
        {
            "party": d.pk,
            "proxy_phone": "13900001111",
            "document": SimpleUploadedFile("auth.pdf", b"%PDF-1.4", "application/pdf"),
        },
    )
    assert response.status_code == 302, _text(response)
    auth = ProxyAuthorization.objects.get(vote=vote)
    client.force_login(proxy)
    assert client.get(reverse("voting:cast", args=[vote.pk])).status_code == 403
    client.force_login(setup["committee"])
    assert client.get(reverse("voting:proxy_document", args=[vote.pk, auth.pk])).status_code == 200
    client.post(reverse("voting:proxies", args=[vote.pk]), {"id": auth.pk, "approve": "1"})
    client.force_login(proxy)
    client.post(
        reverse("voting:cast", args=[vote.pk]), {"party": d.pk, "choice": "agree", "confirm": "1"}
    )
    assert Ballot.objects.get(vote=vote, party=d).channel == "proxy"
    client.force_login(owner_d)
    client.post(
        reverse("voting:cast", args=[vote.pk]), {"party": d.pk, "choice": "oppose", "confirm": "1"}
    )
    assert Ballot.objects.get(vote=vote, party=d).channel == "proxy"


def test_objection_flow(client, setup):
    """During publicity a verified owner objects; the committee sees it; outsiders cannot."""
    vote = open_vote(setup["estate"])
    services.ballot_cast(actor=None, vote=vote, party=party(setup["estate"], "A"), choice="agree")
    finish(vote)
    client.force_login(setup["outsider"])
    assert client.get(reverse("voting:object", args=[vote.pk])).status_code == 403
    client.force_login(setup["owner"])
    response = client.post(reverse("voting:object", args=[vote.pk]), {"text": "票数有疑问"})
    assert response.status_code == 302
    client.force_login(setup["committee"])
    assert "票数有疑问" in _text(client.get(reverse("voting:result", args=[vote.pk])))


def test_committee_extends_and_cancels(client, setup):
    """Extend an open vote; cancel a scheduled one with a reason."""
    vote = open_vote(setup["estate"])
    client.force_login(setup["committee"])
    new = timezone.localtime(vote.closes_at + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("voting:extend", args=[vote.pk]), {"closes_at": new, "reason": "参与不足"})
    vote.refresh_from_db()
    assert vote.extensions == 1
    draft = draft_vote(setup["estate"])
    client.post(reverse("voting:cancel", args=[draft.pk]), {"reason": "撤回"})
    draft.refresh_from_db()
    assert draft.status == VoteStatus.CANCELLED


def test_list_pages(client, setup):
    """Owners see their estate's votes; the bureau sees votes in its scope; outsiders do not."""
    vote = open_vote(setup["estate"], title="本小区表决")
    for who, sees in [("owner", True), ("bureau", True), ("outsider", False), ("committee", True)]:
        client.force_login(setup[who])
        text = _text(client.get(reverse("voting:list")))
        assert ("本小区表决" in text) is sees, who
    assert vote


def test_every_vote_page_refuses_other_estates(client, setup):
    """Every page of a vote refuses owners and committees of another estate (403/404)."""
    vote = open_vote(setup["estate"])
    a = party(setup["estate"], "A")
    entry = services.ballot_cast(
        actor=setup["committee"],
        vote=vote,
        party=a,
        choice="agree",
        channel="paper",
        scan=SimpleUploadedFile("b.png", PNG, "image/png"),
    )
    owner_d = link_user(party(setup["estate"], "D"))
    auth = services.proxy_request(
        actor=owner_d,
        vote=vote,
        party=party(setup["estate"], "D"),
        proxy_user=make_user(),
        document=SimpleUploadedFile("a.pdf", b"%PDF", "application/pdf"),
    )
    urls = [
        reverse(name, args=[vote.pk])
        for name in (
            "voting:detail",
            "voting:cast",
            "voting:my_vote",
            "voting:schedule",
            "voting:extend",
            "voting:cancel",
            "voting:paper",
            "voting:proxy_request",
            "voting:proxies",
            "voting:result",
            "voting:object",
        )
    ]
    urls += [
        reverse("voting:paper_scan", args=[vote.pk, entry.paper.pk]),
        reverse("voting:proxy_document", args=[vote.pk, auth.pk]),
    ]
    for who in ("outsider", "other_committee"):
        client.force_login(setup[who])
        for url in urls:
            for method in (client.get, client.post):
                status = method(url).status_code
                assert status in (403, 404, 405), (who, url, status)


def test_upload_help_reads_in_the_readers_language():
    """Issue 15: the help under every upload field of the voting forms was translated once, at
    import, so every reader got the language the server started in."""
    from django.conf import settings
    from django.utils import translation

    from voting.forms import VoteForm

    mb = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    with translation.override("en"):
        english = str(VoteForm().fields["attachment"].help_text)
    with translation.override("zh-hans"):
        chinese = str(VoteForm().fields["attachment"].help_text)
    assert english == f"PDF, JPG or PNG, at most {mb} MB."
    assert chinese == f"PDF、JPG 或 PNG 格式，不超过 {mb} MB。"
