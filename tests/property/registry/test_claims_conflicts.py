"""Conflicts of interest in claim verification (DOMAIN.md §1 "Conflicts of interest").

Issue 14 finding 2: a property company could take over an owner who had not claimed their unit
(the identity number from its own export, any image as proof), verify that claim itself and
vote in the vote about replacing itself.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from portal.accounts.sms import LocmemSMSBackend
from portal.audit.models import AuditEvent
from portal.organisations.models import OrgKind
from property.registry import services
from property.registry.models import (
    ClaimDispute,
    ClaimStatus,
    DisputeChannel,
    DisputeStatus,
    OwnerClaim,
    Person,
)
from property.registry.rules import verification_refusal
from property.registry.selectors import is_verified_owner
from tests.factories import add_units, make_user, staff
from tests.property.registry.factories import committee_member, company_staff, proof, submit_claim
from tests.voting.factories import finish, open_vote
from voting import services as voting_services
from voting.models import Ballot, BoardEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(world):
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "张三"), ("1-102", "100.00", "李四")])
    return estate


def test_company_cannot_take_over_an_owner_in_the_vote_about_replacing_it(client, world, estate):
    """The attack as reported: with a vote on replacing the company open, its staff sign up with
    a fresh phone as an owner who has not claimed (name and identity number known to the
    company), claim the unit with any image, verify the claim themselves and cast. The
    verification is refused with a reason, the verify button is not offered, and the account
    cannot cast."""
    vote = open_vote(estate, matter=4, title="更换小区物业服务企业")
    owner = Person.objects.get(name="张三")
    number = owner.identity_number()  # what the company's registry export held in clear
    company = company_staff(world)

    impostor = make_user()
    client.force_login(impostor)
    response = client.post(
        reverse("registry:claim_new"),
        {
            "estate": estate.pk,
            "unit_codes": "1-101",
            "name": owner.name,
            "identity_number": number,
            "proof": proof(),
        },
    )
    assert response.status_code == 302
    claim = OwnerClaim.objects.get(user=impostor)

    client.force_login(company)
    review = client.get(reverse("registry:claim_review", args=[estate.code, claim.pk]))
    assert review.status_code == 200
    assert 'value="verify"' not in review.content.decode()
    response = client.post(
        reverse("registry:claim_decide", args=[estate.code, claim.pk]), {"action": "verify"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert vote.title in page  # the reason names the vote that concerns the company
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING and claim.decided_by is None
    assert not is_verified_owner(impostor, estate=estate)

    client.force_login(impostor)
    assert client.get(reverse("voting:cast", args=[vote.pk])).status_code == 403
    client.post(
        reverse("voting:cast", args=[vote.pk]),
        {"party": owner.parties.get().pk, "choice": "agree", "confirm": "1"},
    )
    assert not Ballot.objects.filter(vote=vote).exists()


# --- who is barred by which vote -------------------------------------------------------------


@pytest.mark.parametrize(
    "matter,status,names,company_barred,committee_barred",
    [
        (4, "open", None, True, False),  # hire or dismiss the company
        (3, "scheduled", None, True, True),  # elect or replace committee members
        (9, "open", "company", True, False),  # a motion naming the company
        (9, "open", "committee", False, True),  # a motion naming the committee
        (5, "open", None, False, False),  # using the fund concerns neither
        (4, "draft", None, False, False),  # not yet scheduled
        (4, "final", None, False, False),  # over
    ],
)
def test_which_votes_bar_which_verifier(
    world, estate, matter, status, names, company_barred, committee_barred
):
    """DOMAIN.md §1: the company for matters 3-4 and any motion naming it; the committee for
    matter 3 and any motion naming it; only while the vote is scheduled or open. The street
    office is never barred."""
    from tests.voting.factories import draft_vote

    concerns = {"company": world.companies[0], "committee": world.committees[0], None: None}
    if status == "draft":
        draft_vote(estate, matter=matter, concerns=concerns[names])
    elif status == "scheduled":
        vote = draft_vote(estate, matter=matter, concerns=concerns[names])
        voting_services.vote_schedule(actor=None, vote=vote)
    else:
        vote = open_vote(estate, matter=matter, concerns=concerns[names])
        if status == "final":
            finish(vote)
    users = {
        "company": company_staff(world),
        "committee": committee_member(world),
        "street": staff(OrgKind.STREET_OFFICE, world.streets[0]),
    }
    barred = {who: verification_refusal(u, estate) is not None for who, u in users.items()}
    assert barred == {
        "company": company_barred,
        "committee": committee_barred,
        "street": False,
    }
    for who, user in users.items():
        assert user.has_perm("registry.view_claims", estate)
        assert user.has_perm("registry.verify_claims", estate) is not barred[who]


def test_verify_and_reject_refused_in_the_service_too(world, estate):
    """The rule holds below the page: ``claim_verify`` and ``claim_reject`` refuse a barred
    actor with the reason and write nothing; the committee and the street office may decide."""
    open_vote(estate, matter=4)
    owner = Person.objects.get(name="张三")
    claim = submit_claim(estate, [owner.parties.get().ownerships.get().unit], owner)
    company = company_staff(world)
    with pytest.raises(ValidationError) as refused:
        services.claim_verify(actor=company, claim=claim)
    assert refused.value.code == "conflict"
    with pytest.raises(ValidationError):
        services.claim_reject(actor=company, claim=claim, reason="不是业主")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    assert not AuditEvent.objects.filter(action__in=["registry.claim_verified"]).exists()

    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    services.claim_verify(actor=street, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED and claim.decided_by == street


def test_street_office_verifies_through_the_pages(client, world, estate):
    """While the company is barred the claim waits; the street office over the estate sees the
    queue and verifies (the street office of another district does not)."""
    open_vote(estate, matter=4)
    owner = Person.objects.get(name="李四")
    claim = submit_claim(estate, [owner.parties.get().ownerships.get().unit], owner)
    other_street = staff(OrgKind.STREET_OFFICE, world.streets[1])
    client.force_login(other_street)
    assert client.get(reverse("registry:claim_queue", args=[estate.code])).status_code == 403
    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    client.force_login(street)
    review = client.get(reverse("registry:claim_review", args=[estate.code, claim.pk]))
    assert 'value="verify"' in review.content.decode()
    client.post(
        reverse("registry:claim_decide", args=[estate.code, claim.pk]), {"action": "verify"}
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED


# --- every verification is told; the registered owner can dispute it ---------------------------


def _verified(world, estate, name, django_capture_on_commit_callbacks, actor=None):
    """An impostor's claim to ``name``'s unit, verified (by the committee unless ``actor``),
    with the worker's messages sent. Returns (claim, impostor)."""
    owner = Person.objects.get(name=name)
    unit = owner.parties.get().ownerships.get().unit
    claim = submit_claim(estate, [unit], owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_verify(actor=actor or committee_member(world), claim=claim)
    return claim, claim.user


def _link(sms_text: str) -> str:
    import re

    return re.search(r"https?://\S+?(/my/disputes/\S+/)", sms_text).group(1)


def test_every_verification_is_told_to_the_owner_and_the_street_office(
    world, estate, mailoutbox, django_capture_on_commit_callbacks
):
    """The registry's contact for the person gets an SMS with the dispute link; the street
    office over the estate gets an email; both from the worker, after the commit."""
    Person.objects.filter(name="张三").update(phone="+8613912345678")
    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    LocmemSMSBackend.outbox.clear()
    claim, _impostor = _verified(world, estate, "张三", django_capture_on_commit_callbacks)
    texts = [m for p, m in LocmemSMSBackend.outbox if p == "+8613912345678"]
    assert len(texts) == 1 and "1-101" in texts[0] and "/my/disputes/" in texts[0]
    to_office = [m for m in mailoutbox if m.to == [street.email]]
    assert len(to_office) == 1 and "1-101" in to_office[0].body
    assert {m.to[0] for m in mailoutbox} == {street.email, _impostor.email}  # and the claimant
    assert Person.objects.get(name="张三").identity_number() not in texts[0] + to_office[0].body


def test_nothing_is_sent_inside_the_request(world, estate, mailoutbox):
    """The messages wait for the commit and the worker: a verification rolled back sends none."""
    from django.db import transaction

    staff(OrgKind.STREET_OFFICE, world.streets[0])
    owner = Person.objects.get(name="张三")
    claim = submit_claim(estate, [owner.parties.get().ownerships.get().unit], owner)
    LocmemSMSBackend.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.claim_verify(actor=committee_member(world), claim=claim)
        raise RuntimeError("rolled back")
    assert mailoutbox == [] and LocmemSMSBackend.outbox == []


def test_dispute_from_the_link_suspends_the_account_and_its_ballot(
    client, world, estate, django_capture_on_commit_callbacks
):
    """An impostor deceived the committee and voted; the real owner follows the link in the
    SMS, signs in and disputes: the account can no longer cast, its ballot does not count at
    close (the board says so with a void entry and still verifies), and the street office
    upholds the dispute, which unlinks the account."""
    from voting import board
    from voting.verify import (
        verify_export,
    )

    Person.objects.filter(name="张三").update(phone="+8613912345678")
    vote = open_vote(estate, matter=1)
    LocmemSMSBackend.outbox.clear()
    claim, impostor = _verified(world, estate, "张三", django_capture_on_commit_callbacks)
    frozen = Person.objects.get(name="张三").parties.get()
    client.force_login(impostor)
    cast_url = reverse("voting:cast", args=[vote.pk])
    client.post(cast_url, {"party": frozen.pk, "choice": "agree", "confirm": "1"})
    assert Ballot.objects.filter(vote=vote, cast_by=impostor).exists()

    link = _link(LocmemSMSBackend.outbox[0][1])
    real_owner = make_user()
    client.force_login(real_owner)
    assert client.get(link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, {"statement": "这不是我的账号，我没有认领。"})
    assert response.status_code == 302
    dispute = ClaimDispute.objects.get(claim=claim)
    assert dispute.status == DisputeStatus.OPEN and dispute.filed_by == real_owner

    client.force_login(impostor)
    client.post(cast_url, {"party": frozen.pk, "choice": "oppose", "confirm": "1"})
    assert BoardEntry.objects.filter(vote=vote).count() == 1  # refused: suspended
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    with translation.override("zh-hans"):
        assert gettext("Ballots suspended") in page

    vote = finish(vote)
    assert vote.result["participating"]["heads"] == 0
    last = BoardEntry.objects.filter(vote=vote).order_by("-n").first()
    assert last.channel == "void" and last.entry["sealed_choice"] == ""
    report = verify_export(board.board_export(vote))
    assert report.ok, report.problems

    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    client.force_login(street)
    review = reverse("registry:dispute_review", args=[estate.code, dispute.pk])
    assert client.get(review).status_code == 200
    client.post(review, {"decision": "uphold", "reason": "当面核验身份证，认领人不是业主。"})
    dispute.refresh_from_db()
    claim.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD and claim.status == ClaimStatus.REVOKED
    assert Person.objects.get(name="张三").user is None
    assert not is_verified_owner(impostor)


def test_dispute_dismissed_before_close_leaves_the_ballot_counted(
    world, estate, django_capture_on_commit_callbacks
):
    """The street office finds the account genuine before the vote closes: its ballot counts."""
    vote = open_vote(estate, matter=1)
    claim, account = _verified(world, estate, "张三", django_capture_on_commit_callbacks)
    frozen = Person.objects.get(name="张三").parties.get()
    voting_services.ballot_cast(actor=account, vote=vote, party=frozen, choice="agree")
    dispute = services.dispute_file(
        actor=make_user(), claim=claim, statement="不是本人", channel=DisputeChannel.CONTACT
    )
    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    services.dispute_decide(actor=street, dispute=dispute, uphold=False, reason="本人到场核验")
    vote = finish(vote)
    assert vote.result["agree"]["heads"] == 1
    assert not BoardEntry.objects.filter(vote=vote, channel="void").exists()


def test_an_earlier_ballot_of_the_party_counts_when_the_later_one_is_voided(
    world, estate, django_capture_on_commit_callbacks
):
    """Co-owners 王五+赵六: 王五 (genuine) votes agree; an impostor verified as 赵六 changes it
    to oppose and is then disputed: at close 王五's ballot counts again."""
    from tests.factories import add_units
    from voting import board
    from voting.verify import (
        verify_export,
    )

    add_units(estate, [("1-201", "90.00", "王五+赵六")])
    wang = Person.objects.get(name="王五")
    wang_account = make_user()
    Person.objects.filter(pk=wang.pk).update(user=wang_account)
    vote = open_vote(estate, matter=1)
    claim, impostor = _verified(world, estate, "赵六", django_capture_on_commit_callbacks)
    frozen = wang.parties.get()
    voting_services.ballot_cast(actor=wang_account, vote=vote, party=frozen, choice="agree")
    voting_services.ballot_cast(actor=impostor, vote=vote, party=frozen, choice="oppose")
    services.dispute_file(
        actor=wang_account, claim=claim, statement="不是我的共有人", channel=DisputeChannel.CO_OWNER
    )
    vote = finish(vote)
    assert vote.result["agree"]["heads"] == 1 and vote.result["oppose"]["heads"] == 0
    assert verify_export(board.board_export(vote)).ok


def test_co_owner_disputes_from_my_property(
    client, world, estate, django_capture_on_commit_callbacks
):
    """A verified co-owner sees every other account verified for their units on 我的房产 and
    disputes from there; an outsider cannot use that page for the claim."""
    from tests.factories import add_units

    add_units(estate, [("1-201", "90.00", "王五+赵六")])
    wang_account = make_user()
    Person.objects.filter(name="王五").update(user=wang_account)
    claim, impostor = _verified(world, estate, "赵六", django_capture_on_commit_callbacks)
    url = reverse("registry:dispute_claim", args=[claim.pk])
    client.force_login(wang_account)
    page = client.get(reverse("registry:my_property")).content.decode()
    assert url in page
    client.post(url, {"statement": "不是我的共有人"})
    assert ClaimDispute.objects.get(claim=claim).channel == DisputeChannel.CO_OWNER
    for who in (make_user(), impostor):
        client.force_login(who)
        assert client.get(url).status_code == 403


def test_dispute_pages_refuse_the_wrong_people(
    client, world, estate, django_capture_on_commit_callbacks
):
    """The link does not serve the disputed account itself, nor a forged token; disputes are
    decided by the street office over the estate only, and not by whoever verified the claim."""
    LocmemSMSBackend.outbox.clear()
    Person.objects.filter(name="张三").update(phone="+8613912345678")
    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    claim, impostor = _verified(
        world, estate, "张三", django_capture_on_commit_callbacks, actor=street
    )
    link = _link(LocmemSMSBackend.outbox[0][1])
    client.force_login(impostor)
    assert client.get(link).status_code == 403
    client.force_login(make_user())
    assert client.get(link[:-3] + "xx/").status_code == 404
    assert client.get(f"/my/disputes/{claim.pk}/").status_code == 404
    client.post(link, {"statement": "不是本人"})
    dispute = ClaimDispute.objects.get(claim=claim)
    queue = reverse("registry:dispute_queue", args=[estate.code])
    review = reverse("registry:dispute_review", args=[estate.code, dispute.pk])
    for who in (
        company_staff(world),
        committee_member(world),
        staff(OrgKind.STREET_OFFICE, world.streets[1]),
    ):
        client.force_login(who)
        assert client.get(queue).status_code == 403 and client.get(review).status_code == 403
    client.force_login(street)  # verified it: a colleague must decide
    client.post(review, {"decision": "dismiss", "reason": "核验无误"})
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.OPEN
    colleague = staff(OrgKind.STREET_OFFICE, world.streets[0])
    client.force_login(colleague)
    assert dispute.pk and client.get(queue).status_code == 200
    client.post(review, {"decision": "dismiss", "reason": "核验无误"})
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.DISMISSED and dispute.decided_by == colleague


def test_dispute_and_ballot_pages_fully_translated(
    client, world, estate, django_capture_on_commit_callbacks
):
    """The new pages read in Chinese: the dispute form, the street office's queue and review,
    the conflict notice on a claim, and the vote page with a paper ballot entered for the owner
    and the owner's and street office's ballot-dispute pages."""
    import re

    from django.core.files.base import ContentFile

    from tests.portal.test_themes_i18n import ALLOWED_LATIN, visible_text

    Person.objects.filter(name="张三").update(phone="+8613912345678")
    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    vote = open_vote(estate, matter=4)
    LocmemSMSBackend.outbox.clear()
    claim, impostor = _verified(world, estate, "张三", django_capture_on_commit_callbacks)
    link = _link(LocmemSMSBackend.outbox[0][1])
    disputer = make_user()
    dispute = services.dispute_file(
        actor=disputer, claim=claim, statement="不是本人", channel=DisputeChannel.CONTACT
    )
    li = Person.objects.get(name="李四")
    pending = submit_claim(estate, [li.parties.get().ownerships.get().unit], li)
    li_account = make_user()
    Person.objects.filter(pk=li.pk).update(user=li_account)
    entry = voting_services.ballot_cast(
        actor=committee_member(world),
        vote=vote,
        party=li.parties.get(),
        choice="agree",
        channel="paper",
        scan=ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="s.png"),
    )
    voting_services.ballot_dispute_file(
        actor=li_account, vote=vote, entry=entry, party=li.parties.get(), statement="不是我"
    )
    pages = [
        (make_user(), link),
        (impostor, reverse("registry:my_property")),
        (street, reverse("registry:dispute_queue", args=[estate.code])),
        (street, reverse("registry:dispute_review", args=[estate.code, dispute.pk])),
        (company_staff(world), reverse("registry:claim_review", args=[estate.code, pending.pk])),
        (company_staff(world), reverse("registry:claim_queue", args=[estate.code])),
        (li_account, reverse("voting:detail", args=[vote.pk])),
        (li_account, reverse("voting:my_vote", args=[vote.pk])),
        (street, reverse("voting:disputes", args=[vote.pk])),
        (committee_member(world), reverse("voting:proxies", args=[vote.pk])),
    ]
    for user, path in pages:
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        leftovers = []
        text = visible_text(response.content.decode())
        text = re.sub(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b", "", text)  # receipt codes are codes
        for line in text.splitlines():
            for run in re.findall(r"[A-Za-z][A-Za-z'’]+(?:[ ,.:;-]+[A-Za-z][A-Za-z'’]+)+", line):
                words = set(run.replace(",", " ").replace(".", " ").split())
                if not words <= ALLOWED_LATIN | {"PNG"}:
                    leftovers.append(run)
        assert not leftovers, f"untranslated on {path}: {leftovers}"


def test_a_vote_names_the_organisation_it_concerns(client, world, estate):
    """The vote form asks whether the motion names the estate's company or committee; the
    answer bars that organisation once the vote is scheduled. Another organisation cannot be
    named (the form offers only the estate's two; the service refuses any other)."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.voting.factories import draft_vote
    from voting.models import Vote

    client.force_login(committee_member(world))
    now = timezone.localtime()
    data = {
        "title": "审议物业服务企业年度服务报告",
        "matter": "9",
        "motion": "审议物业公司提交的年度服务报告。",
        "opens_at": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "channels": ["online"],
        "concerns": world.companies[1].pk,  # another estate's company
    }
    url = reverse("voting:create", args=[estate.code])
    assert client.post(url, data).status_code == 200
    assert not Vote.objects.exists()
    data["concerns"] = world.companies[0].pk
    assert client.post(url, data).status_code == 302
    vote = Vote.objects.get()
    assert vote.concerns == world.companies[0]
    company = company_staff(world)
    assert verification_refusal(company, estate) is None  # a draft bars nobody
    voting_services.vote_schedule(actor=None, vote=vote)
    assert vote.title in verification_refusal(company, estate)
    with pytest.raises(ValidationError):
        draft_vote(estate, matter=9, concerns=world.committees[1])
