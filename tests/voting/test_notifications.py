"""Every step of a vote tells the people who act next, and nobody else (issue 16): the owners
of the estate (not another estate's), only those not yet voted when it closes soon, the
committee and the street office of the estate on an objection, the owner and the proxy on a
proxy decision. SMS for the steps an owner must act on. Each email links, on the configured
host, to the page where the recipient acts, and that page opens for them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.accounts.sms import LocmemSMSBackend
from portal.notifications import kinds
from portal.notifications.models import Notification
from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, make_user, staff
from tests.notifying import assert_link_opens, assert_told, use_base
from tests.voting.factories import draft_vote, finish, link_user, open_vote, party
from voting import services, tasks
from voting.board_format import seal_for_entry
from voting.models import Ballot

pytestmark = pytest.mark.django_db

SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00" * 37


@pytest.fixture
def v(world, settings):
    use_base(settings)
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "100.00", "B"), ("1-103", "90", "D")])
    other = world.estates[1]
    add_units(other, [("9-101", "100.00", "Z")])
    return {
        "estate": estate,
        "a": link_user(party(estate, "A")),
        "b": link_user(party(estate, "B")),
        "z": link_user(party(other, "Z")),
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
        "street": staff(OrgKind.STREET_OFFICE, world.streets[0]),
        "other_street": staff(OrgKind.STREET_OFFICE, world.streets[1]),
    }


def test_a_vote_from_notice_to_final(client, v, django_capture_on_commit_callbacks):
    a, b, z = v["a"], v["b"], v["z"]
    vote = draft_vote(v["estate"])
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_schedule(actor=None, vote=vote)
    assert_told("voting.vote_scheduled", to=[a, b], not_to=[z, v["committee"]])
    assert_link_opens(client, "voting.vote_scheduled", a)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.advance_votes(now=vote.opens_at)
    assert_told("voting.vote_opened", to=[a, b], not_to=[z])
    assert_link_opens(client, "voting.vote_opened", b)

    vote.refresh_from_db()
    services.ballot_cast(
        actor=a, vote=vote, party=party(v["estate"], "A"), choice="agree", now=vote.opens_at
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.advance_votes(now=vote.closes_at - timedelta(hours=12))["reminded"] == 1
        assert tasks.advance_votes(now=vote.closes_at - timedelta(hours=11))["reminded"] == 0
    assert_told("voting.vote_closing", to=[b], not_to=[a, z])
    assert_link_opens(client, "voting.vote_closing", b)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.advance_votes(now=vote.closes_at)
    assert_told("voting.vote_counted", to=[a, b], not_to=[z])
    assert_link_opens(client, "voting.vote_counted", a)

    vote.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_file(actor=b, vote=vote, text="计票有误", now=vote.publicised_at)
    assert_told(
        "voting.objection_filed",
        to=[v["committee"], v["street"]],
        not_to=[v["other_committee"], v["other_street"], a, b, z],
    )
    assert_link_opens(client, "voting.objection_filed", v["committee"])
    # The street office's link opens the page where it rules on the objection.
    path = assert_link_opens(client, "voting.objection_filed", v["street"])
    assert path.startswith("/votes/objections/")

    # Dismissed: the objector and the committee are told the ruling; the result can go final.
    objection = vote.objections.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_dismiss(
            actor=v["street"], objection=objection, reason="送达记录齐全", now=vote.publicised_at
        )
    assert_told(
        "voting.objection_ruled",
        to=[b, v["committee"]],
        not_to=[a, z, v["street"], v["other_committee"], v["other_street"]],
    )
    assert_link_opens(client, "voting.objection_ruled", b)
    assert_link_opens(client, "voting.objection_ruled", v["committee"])

    with django_capture_on_commit_callbacks(execute=True):
        tasks.advance_votes(now=vote.publicity_ends_at)
    assert_told("voting.vote_final", to=[a, b], not_to=[z])
    assert_link_opens(client, "voting.vote_final", b)


def test_opened_and_closing_soon_go_by_sms_to_verified_phones(
    v, django_capture_on_commit_callbacks
):
    assert kinds.get("voting.vote_opened").sms and kinds.get("voting.vote_closing").sms
    assert not kinds.get("voting.vote_counted").sms
    a = v["a"]
    a.phone, a.phone_verified = "+8613911112222", True
    a.save(update_fields=["phone", "phone_verified"])
    LocmemSMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        open_vote(v["estate"], title="加装电梯")
    phones = [p for p, text in LocmemSMSBackend.outbox if "加装电梯" in text]
    assert "+8613911112222" in phones and v["z"].phone not in phones


def test_proxy_decisions_and_ballots_entered(client, v, django_capture_on_commit_callbacks):
    estate = v["estate"]
    vote = open_vote(estate)
    d = party(estate, "D")
    owner_d = link_user(d)
    proxy = make_user(phone="+8613900005555")
    auth = services.proxy_request(
        actor=owner_d,
        vote=vote,
        party=d,
        proxy_phone="13900005555",
        document=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proxy_decide(actor=v["committee"], authorization=auth, approve=True)
    assert_told("voting.proxy_approved", to=[owner_d, proxy], not_to=[v["a"], v["b"], v["z"]])
    assert_link_opens(client, "voting.proxy_approved", proxy)

    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_cast(actor=proxy, vote=vote, party=d, choice="agree", channel="proxy")
    assert_told("voting.ballot_entered", to=[owner_d], not_to=[proxy, v["a"], v["b"]])
    assert_link_opens(client, "voting.ballot_entered", owner_d)

    entry = Ballot.objects.get(vote=vote, party=d).entry
    with django_capture_on_commit_callbacks(execute=True):
        dispute = services.ballot_dispute_file(
            actor=owner_d, vote=vote, entry=entry, party=d, statement="未授权此选择"
        )
    assert_told("voting.ballot_disputed", to=[v["street"]], not_to=[v["other_street"]])
    assert_link_opens(client, "voting.ballot_disputed", v["street"])
    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_dispute_decide(
            actor=v["street"], dispute=dispute, uphold=True, reason="委托书范围不含此项"
        )
    assert_told("voting.ballot_dispute_decided", to=[owner_d], not_to=[proxy, v["street"]])
    assert_link_opens(client, "voting.ballot_dispute_decided", owner_d)

    b_party = party(estate, "B")
    auth_b = services.proxy_request(
        actor=v["b"],
        vote=vote,
        party=b_party,
        proxy_phone="13900006666",
        document=SimpleUploadedFile("b.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proxy_decide(actor=v["committee"], authorization=auth_b, approve=False)
    assert_told("voting.proxy_rejected", to=[v["b"]], not_to=[owner_d, v["a"]])
    assert_link_opens(client, "voting.proxy_rejected", v["b"])


def test_an_upheld_objection_tells_the_objector_the_committee_and_the_owners(
    client, v, django_capture_on_commit_callbacks
):
    """Upheld: the objector and the committee are told the ruling ("voting.objection_ruled"),
    and every verified owner of the estate that the result is set aside
    ("voting.vote_set_aside"), with a link to the result; another estate's owners are not."""
    a, b, z = v["a"], v["b"], v["z"]
    vote = open_vote(v["estate"])
    services.ballot_cast(actor=a, vote=vote, party=party(v["estate"], "A"), choice="agree")
    with django_capture_on_commit_callbacks(execute=True):
        vote = finish(vote)
        objection = services.objection_file(
            actor=a, vote=vote, text="计票有误", now=vote.publicised_at
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_uphold(actor=v["street"], objection=objection, reason="送达不足")
    assert_told(
        "voting.objection_ruled",
        to=[a, v["committee"]],
        not_to=[b, z, v["street"], v["other_committee"]],
    )
    assert_link_opens(client, "voting.objection_ruled", a)
    assert_told(
        "voting.vote_set_aside",
        to=[a, b],
        not_to=[z, v["committee"], v["street"], v["other_committee"]],
    )
    path = assert_link_opens(client, "voting.vote_set_aside", b)
    assert path == f"/votes/{vote.pk}/result/"


def test_a_refused_count_tells_the_committee_and_the_street_once(
    client, v, django_capture_on_commit_callbacks
):
    """A ballot row that disagrees with the board: the count refuses and the organising
    committee and the street office are told (once, however often the worker retries)."""
    estate, a, b, z = v["estate"], v["a"], v["b"], v["z"]
    vote = open_vote(estate)
    services.ballot_cast(actor=a, vote=vote, party=party(estate, "A"), choice="oppose")
    ballot = Ballot.objects.get(vote=vote, party=party(estate, "A"))
    forged = seal_for_entry("agree", bytes(vote.public_key), vote.board_id, ballot.pseudonym)
    Ballot.objects.filter(pk=ballot.pk).update(sealed_choice=forged)
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(services.VoteError):
                services.vote_count(vote=vote, now=later)
    assert_told(
        "voting.count_refused",
        to=[v["committee"], v["street"]],
        not_to=[v["other_committee"], v["other_street"], a, b, z],
    )
    assert Notification.objects.filter(kind="voting.count_refused").count() == 2  # once each
    assert_link_opens(client, "voting.count_refused", v["committee"])
    assert_link_opens(client, "voting.count_refused", v["street"])


def test_trustees_are_told_to_make_their_key_and_to_open_the_count(
    client, v, django_capture_on_commit_callbacks
):
    """Issue 18: named trustees (committee, street office, owner scrutineer) are told to make
    their key; at close those who have not acted are told to open the count, and reminded a
    day later until enough have; nobody else is told."""
    from voting import trustee_services

    vote = draft_vote(v["estate"])
    named = [(v["committee"], "committee"), (v["street"], "street"), (v["a"], "scrutineer")]
    with django_capture_on_commit_callbacks(execute=True):
        trustee_services.trustees_name(actor=v["committee"], vote=vote, k=2, named=named)
    assert_told(
        "voting.trustee_named",
        to=[v["committee"], v["street"], v["a"]],
        not_to=[v["b"], v["z"], v["other_street"]],
    )
    assert_link_opens(client, "voting.trustee_named", v["a"])
    files = {}
    for t in vote.trustees.order_by("number"):
        files[t.number] = trustee_services.trustee_make_key(
            actor=t.user, trustee=t, passphrase=f"passphrase-of-{t.number}"
        )
    services.vote_schedule(actor=None, vote=vote, now=vote.opens_at - timedelta(days=8))
    services.vote_open(vote=vote, now=vote.opens_at, notify=False)
    services.vote_close(vote=vote, now=vote.closes_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.advance_votes(now=vote.closes_at)["trustees_called"] == 1
    assert_told(
        "voting.trustee_open",
        to=[v["committee"], v["street"], v["a"]],
        not_to=[v["b"], v["z"], v["other_street"]],
    )
    assert_link_opens(client, "voting.trustee_open", v["street"])
    trustee_services.trustee_open(
        actor=v["street"],
        trustee=vote.trustees.get(number=2),
        key_file=files[2],
        passphrase="passphrase-of-2",
    )
    from portal.notifications.models import Notification

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.advance_votes(now=vote.closes_at + timedelta(hours=1))["trustees_called"] == 0
        assert tasks.advance_votes(now=vote.closes_at + timedelta(days=1))["trustees_called"] == 1
    assert_told("voting.trustee_open", to=[v["committee"], v["a"]], not_to=[v["street"]])
