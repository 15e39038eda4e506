"""Paper and proxy ballots entered for an owner's party (DOMAIN.md §1 "Channels").

Issue 14 finding 6: the committee could pre-empt any owner with a paper ballot (any small file as
the "scan"), after which the owner's own online ballot was refused. Finding 13c: the proxy form
told whether a phone number had an account.
"""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, make_user, staff
from tests.voting.factories import finish, link_user, open_vote, party
from voting import board, services
from voting.models import Ballot, BallotDispute, BallotDisputeStatus, BoardEntry
from voting.verify import verify_export

pytestmark = pytest.mark.django_db

# A 45-byte "scan": the PNG signature and nothing a person could read.
SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00" * 37


@pytest.fixture
def setup(world):
    estate = world.estates[0]
    add_units(
        estate,
        [("1-101", "100.00", "A"), ("1-102", "100.00", "B"), ("1-103", "100.00", "D")],
    )
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, estate.jurisdiction, Role.MEMBER, organisation=world.committees[0]
    )
    return {
        "world": world,
        "estate": estate,
        "owner": link_user(party(estate, "A")),
        "owner_b": link_user(party(estate, "B")),
        "committee": committee,
    }


def enter_paper(client, setup, vote, p, choice="agree"):
    client.force_login(setup["committee"])
    return client.post(
        reverse("voting:paper", args=[vote.pk]),
        {"party": p.pk, "choice": choice, "scan": SimpleUploadedFile("s.png", SCAN, "image/png")},
    )


def test_owner_online_ballot_replaces_the_paper_ballot_entered_for_them(client, setup):
    """The attack as reported: the committee enters a paper ballot for an owner who has not
    voted; the owner's own online ballot then replaces it (Shenzhen practice), the board keeps
    both entries, the latest counts, and the export still verifies."""
    vote = open_vote(setup["estate"])
    a = party(setup["estate"], "A")
    assert enter_paper(client, setup, vote, a, "agree").status_code == 302
    paper_entry = Ballot.objects.get(vote=vote, party=a).entry

    client.force_login(setup["owner"])
    response = client.post(
        reverse("voting:cast", args=[vote.pk]), {"party": a.pk, "choice": "oppose", "confirm": "1"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/my/")
    ballot = Ballot.objects.get(vote=vote, party=a)
    assert ballot.channel == "online" and ballot.cast_by == setup["owner"]
    assert ballot.entry.supersedes == paper_entry.n
    assert BoardEntry.objects.filter(vote=vote).count() == 2

    vote = finish(vote)
    assert vote.result["oppose"]["heads"] == 1 and vote.result["agree"]["heads"] == 0
    report = verify_export(board.board_export(vote))
    assert report.ok, report.problems


def test_proxy_form_answers_the_same_for_every_number(setup):
    """Finding 13c: naming a number with an account and one without gives the same answer."""
    from django.test import Client

    vote = open_vote(setup["estate"])
    make_user(phone="+8613900001111")
    answers = []
    for owner, p, phone in (
        (setup["owner"], party(setup["estate"], "A"), "13900001111"),
        (setup["owner_b"], party(setup["estate"], "B"), "13900002222"),
    ):
        client = Client()
        client.force_login(owner)
        response = client.post(
            reverse("voting:proxy_request", args=[vote.pk]),
            {
                "party": p.pk,
                "proxy_phone": phone,
                "document": SimpleUploadedFile("auth.pdf", b"%PDF-1.4", "application/pdf"),
            },
        )
        answers.append(
            (
                response.status_code,
                response.get("Location"),
                [str(m) for m in get_messages(response.wsgi_request)],
            )
        )
    assert answers[0] == answers[1]


def test_owner_is_told_of_every_paper_and_proxy_ballot(
    client, setup, mailoutbox, django_capture_on_commit_callbacks
):
    """A paper ballot entered for a party and a proxy's ballot are told to the party's owners
    by the worker (after the commit), and shown on the vote's page with a way to dispute."""
    vote = open_vote(setup["estate"])
    a = party(setup["estate"], "A")
    mailoutbox.clear()  # the "vote opened" emails
    with django_capture_on_commit_callbacks(execute=True):
        enter_paper(client, setup, vote, a)
    assert [m.to for m in mailoutbox] == [[setup["owner"].email]]
    assert vote.title in mailoutbox[0].subject and "/votes/" in mailoutbox[0].body

    d = party(setup["estate"], "D")
    owner_d = link_user(d)
    proxy = make_user(phone="+8613900003333")
    auth = services.proxy_request(
        actor=owner_d, vote=vote, party=d, proxy_phone="13900003333", document=_pdf()
    )
    services.proxy_decide(actor=setup["committee"], authorization=auth, approve=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ballot_cast(actor=proxy, vote=vote, party=d, choice="agree", channel="proxy")
    assert [m.to for m in mailoutbox] == [[owner_d.email]]

    client.force_login(setup["owner"])
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    paper_entry = Ballot.objects.get(vote=vote, party=a).entry
    assert reverse("voting:ballot_dispute", args=[vote.pk, paper_entry.n]) in page


def test_online_does_not_replace_a_proxy_ballot_until_the_owner_disputes_it(client, setup):
    """DOMAIN.md §1 names only paper: the owner authorized the proxy, so their online ballot does
    not replace the proxy's. Disputing it makes it stop standing: the owner then votes online."""
    vote = open_vote(setup["estate"])
    d = party(setup["estate"], "D")
    owner_d = link_user(d)
    proxy = make_user(phone="+8613900004444")
    auth = services.proxy_request(
        actor=owner_d, vote=vote, party=d, proxy_phone="13900004444", document=_pdf()
    )
    services.proxy_decide(actor=setup["committee"], authorization=auth, approve=True)
    entry = services.ballot_cast(actor=proxy, vote=vote, party=d, choice="agree", channel="proxy")
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=owner_d, vote=vote, party=d, choice="oppose")

    client.force_login(owner_d)
    url = reverse("voting:ballot_dispute", args=[vote.pk, entry.n])
    assert client.get(url).status_code == 200
    client.post(url, {"statement": "我没有委托此人投反对以外的票"})
    dispute = BallotDispute.objects.get(entry=entry)
    client.post(
        reverse("voting:cast", args=[vote.pk]), {"party": d.pk, "choice": "oppose", "confirm": "1"}
    )
    ballot = Ballot.objects.get(vote=vote, party=d)
    assert ballot.channel == "online" and ballot.cast_by == owner_d
    assert dispute.status == BallotDisputeStatus.OPEN


def test_disputed_paper_ballot_does_not_count_unless_dismissed_before_close(setup):
    """A disputed paper ballot still the party's latest at close is voided (the party did not
    take part); one the street office dismissed before close counts. The export verifies."""
    estate = setup["estate"]
    a, b = party(estate, "A"), party(estate, "B")
    vote = open_vote(estate)
    paper_a = services.ballot_cast(
        actor=setup["committee"], vote=vote, party=a, choice="agree", channel="paper", scan=_png()
    )
    paper_b = services.ballot_cast(
        actor=setup["committee"], vote=vote, party=b, choice="agree", channel="paper", scan=_png()
    )
    services.ballot_dispute_file(
        actor=setup["owner"], vote=vote, entry=paper_a, party=a, statement="不是我交的"
    )
    dispute_b = services.ballot_dispute_file(
        actor=setup["owner_b"], vote=vote, entry=paper_b, party=b, statement="核对一下"
    )
    street = staff(OrgKind.STREET_OFFICE, setup["world"].streets[0])
    services.ballot_dispute_decide(actor=street, dispute=dispute_b, uphold=False, reason="本人签字")
    vote = finish(vote)
    assert vote.result["agree"]["heads"] == 1 and vote.result["participating"]["heads"] == 1
    voids = BoardEntry.objects.filter(vote=vote, channel="void")
    assert [v.supersedes for v in voids] == [paper_a.n]
    assert not Ballot.objects.filter(vote=vote, party=a).exists()
    report = verify_export(board.board_export(vote))
    assert report.ok, report.problems
    assert report.summary["channels"]["void"] == 1 and report.summary["ballots"] == 1


def test_ballot_disputes_are_decided_by_the_street_office_only(client, setup):
    """The committee entered the paper ballot: it does not judge it. Only the street office over
    the estate opens the disputes page and decides; owners of other parties cannot dispute."""
    vote = open_vote(setup["estate"])
    a = party(setup["estate"], "A")
    enter_paper(client, setup, vote, a)
    entry = Ballot.objects.get(vote=vote, party=a).entry
    client.force_login(setup["owner_b"])
    assert client.get(reverse("voting:ballot_dispute", args=[vote.pk, entry.n])).status_code == 403
    dispute = services.ballot_dispute_file(
        actor=setup["owner"], vote=vote, entry=entry, party=a, statement="不是我"
    )
    url = reverse("voting:disputes", args=[vote.pk])
    for who in (
        setup["committee"],
        setup["owner"],
        staff(OrgKind.STREET_OFFICE, setup["world"].streets[1]),
    ):
        client.force_login(who)
        assert client.get(url).status_code == 403
    street = staff(OrgKind.STREET_OFFICE, setup["world"].streets[0])
    client.force_login(street)
    assert client.get(url).status_code == 200
    client.post(
        url,
        {"id": dispute.pk, f"d{dispute.pk}-decision": "uphold", f"d{dispute.pk}-reason": "非本人"},
    )
    dispute.refresh_from_db()
    assert dispute.status == BallotDisputeStatus.UPHELD and dispute.decided_by == street


def test_proxy_named_by_a_number_without_account_casts_once_signed_up(setup):
    """An authorization may name a number no account has yet; the person who then signs up with
    that number (verified) is the proxy. An unverified phone is not enough."""
    vote = open_vote(setup["estate"])
    d = party(setup["estate"], "D")
    owner_d = link_user(d)
    auth = services.proxy_request(
        actor=owner_d, vote=vote, party=d, proxy_phone="13900005555", document=_pdf()
    )
    assert auth.proxy is None and auth.proxy_phone == "+8613900005555"
    services.proxy_decide(actor=setup["committee"], authorization=auth, approve=True)
    unverified = make_user(phone="+8613900005555")
    unverified.phone_verified = False
    unverified.save(update_fields=["phone_verified"])
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=unverified, vote=vote, party=d, choice="agree", channel="proxy")
    unverified.phone_verified = True
    unverified.save(update_fields=["phone_verified"])
    services.ballot_cast(actor=unverified, vote=vote, party=d, choice="agree", channel="proxy")
    assert Ballot.objects.get(vote=vote, party=d).channel == "proxy"


def test_proxy_of_a_suspended_owner_cannot_cast(setup, django_capture_on_commit_callbacks):
    """The ballot a proxy casts is its owner's: an owner suspended by a dispute of their
    verification cannot vote through a proxy either."""
    from property.registry import services as registry_services
    from property.registry.models import ClaimStatus, DisputeChannel, OwnerClaim, Person

    vote = open_vote(setup["estate"])
    d = party(setup["estate"], "D")
    owner_d = link_user(d)
    person = Person.objects.get(user=owner_d)
    claim = OwnerClaim(
        user=owner_d,
        estate=setup["estate"],
        name=person.name,
        status=ClaimStatus.VERIFIED,
        person=person,
    )
    claim.set_identity(person.identity_number())
    claim.save()
    proxy = make_user(phone="+8613900006666")
    auth = services.proxy_request(
        actor=owner_d, vote=vote, party=d, proxy_user=proxy, document=_pdf()
    )
    services.proxy_decide(actor=setup["committee"], authorization=auth, approve=True)
    registry_services.dispute_file(
        actor=make_user(), claim=claim, statement="不是本人", channel=DisputeChannel.CONTACT
    )
    with pytest.raises(services.VoteError):
        services.ballot_cast(actor=proxy, vote=vote, party=d, choice="agree", channel="proxy")


def _pdf():
    from django.core.files.base import ContentFile

    return ContentFile(b"%PDF-1.4\n", name="auth.pdf")


def _png():
    from django.core.files.base import ContentFile

    return ContentFile(SCAN, name="scan.png")
