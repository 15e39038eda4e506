"""Paper ballot entry at the scale of a real estate (issue 16): find the party by unit code,
building and room, or name; tell same-name owners apart; a second paper ballot for a party
asks for confirmation showing what it replaces, and the service refuses it without."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.core.uploads import private_storage
from portal.organisations.models import OrgKind, Role
from property.registry.models import Building, OwnerParty, Ownership, PartyKind, Unit
from tests.factories import add_units, make_person, staff
from tests.voting.factories import link_user, open_vote, party
from voting import selectors, services
from voting.models import Ballot, BoardEntry, PaperBallot, Vote, VoteStatus
from voting.tasks import advance_votes

pytestmark = pytest.mark.django_db

SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00" * 37


def _scan():
    return SimpleUploadedFile("s.png", SCAN, "image/png")


def _same_name_party(estate, building, code, area, phone):
    """Another owner called 王芳, in their own party (a different person)."""
    unit = Unit.objects.create(estate=estate, building=building, code=code, area=area)
    person = make_person("王芳")
    person.phone = phone
    person.save(update_fields=["phone"])
    p = OwnerParty.objects.create(
        estate=estate,
        kind=PartyKind.PERSON,
        label="王芳",
        key=OwnerParty.key_for(identity_hashes=[person.identity_hash]),
    )
    p.members.set([person])
    Ownership.objects.create(unit=unit, party=p, start=date(2020, 1, 1))
    return p


@pytest.fixture
def setup(world):
    estate = world.estates[0]
    add_units(
        estate,
        [
            ("1-1-101", "88.50", "李雷"),
            ("1-2-1501", "120.25", "韩梅梅"),
            ("1-2-1502", "64.00", "韩梅梅"),
            ("1-1-1501", "90.00", None),
        ],
    )
    b2, _ = Building.objects.get_or_create(estate=estate, code="2")
    wang_a = _same_name_party(estate, b2, "2-1-301", "75.00", "+8613900001234")
    wang_b = _same_name_party(estate, b2, "2-3-902", "101.00", "+8613900005678")
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, estate.jurisdiction, Role.MEMBER, organisation=world.committees[0]
    )
    vote = open_vote(estate)
    return {
        "estate": estate,
        "vote": vote,
        "committee": committee,
        "wang": (wang_a, wang_b),
        "world": world,
    }


def labels(results):
    return [r["party"].label for r in results]


def test_search_by_unit_code(setup):
    results = selectors.paper_search(setup["vote"], "1-2-1501")
    assert labels(results) == ["韩梅梅"]
    [r] = results
    assert [u.code for u in r["units"]] == ["1-2-1501", "1-2-1502"]
    assert str(r["area"]) == "184.25"


def test_search_by_unit_code_prefix(setup):
    assert sorted(labels(selectors.paper_search(setup["vote"], "1-1-"))) == ["开发商", "李雷"]


def test_search_by_building_and_room(setup):
    """ "1栋1501" is building 1, room 1501 (any stairwell); "2 902" building 2, room 902."""
    assert sorted(labels(selectors.paper_search(setup["vote"], "1栋1501"))) == ["开发商", "韩梅梅"]
    wang_b = setup["wang"][1]
    assert [r["party"] for r in selectors.paper_search(setup["vote"], "2 902")] == [wang_b]
    assert [r["party"] for r in selectors.paper_search(setup["vote"], "2幢902室")] == [wang_b]


def test_search_by_name(setup):
    assert labels(selectors.paper_search(setup["vote"], "李")) == ["李雷"]
    assert labels(selectors.paper_search(setup["vote"], "nobody")) == []
    assert selectors.paper_search(setup["vote"], "  ") == []


def test_same_name_owners_are_told_apart(client, setup):
    """Two owners called 王芳: each result shows its units and a masked phone, never the
    whole number."""
    client.force_login(setup["committee"])
    page = client.get(
        reverse("voting:paper_search", args=[setup["vote"].pk]), {"q": "王芳"}
    ).content.decode()
    assert page.count("王芳") >= 2
    assert "2-1-301" in page and "2-3-902" in page
    assert "139****1234" in page and "139****5678" in page
    assert "13900001234" not in page and "13900005678" not in page
    wang_a, wang_b = setup["wang"]
    for p in (wang_a, wang_b):
        assert f"?party={p.pk}" in page


def test_entry_page_without_js_searches_and_selects(client, setup):
    vote = setup["vote"]
    client.force_login(setup["committee"])
    url = reverse("voting:paper", args=[vote.pk])
    page = client.get(url, {"q": "1-1-101"}).content.decode()
    li = party(setup["estate"], "李雷")
    assert f"?party={li.pk}" in page and "88.50" in page
    page = client.get(url, {"party": li.pk}).content.decode()
    assert 'name="scan"' in page and "1-1-101" in page
    response = client.post(url, {"party": li.pk, "choice": "agree", "scan": _scan()})
    assert response.status_code == 302
    assert Ballot.objects.get(vote=vote, party=li).channel == "paper"


def test_second_paper_ballot_asks_for_confirmation(client, setup):
    """Entering a second paper ballot shows what it replaces; nothing is written until the
    committee confirms in a second POST; then it replaces the first."""
    vote = setup["vote"]
    li = party(setup["estate"], "李雷")
    client.force_login(setup["committee"])
    url = reverse("voting:paper", args=[vote.pk])
    assert client.post(url, {"party": li.pk, "choice": "agree", "scan": _scan()}).status_code == 302
    first = Ballot.objects.get(vote=vote, party=li).entry

    response = client.post(url, {"party": li.pk, "choice": "oppose", "scan": _scan()})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{first.n}" in page and 'name="token"' in page
    assert BoardEntry.objects.filter(vote=vote).count() == 1  # nothing written yet
    token = response.context["token"]

    response = client.post(url, {"step": "confirm", "party": li.pk, "token": token, "confirm": "1"})
    assert response.status_code == 302
    ballot = Ballot.objects.get(vote=vote, party=li)
    assert ballot.entry.supersedes == first.n and ballot.entry.channel == "paper"
    assert PaperBallot.objects.filter(vote=vote).count() == 2


def test_declining_the_replacement_keeps_the_first(client, setup):
    vote = setup["vote"]
    li = party(setup["estate"], "李雷")
    client.force_login(setup["committee"])
    url = reverse("voting:paper", args=[vote.pk])
    client.post(url, {"party": li.pk, "choice": "agree", "scan": _scan()})
    response = client.post(url, {"party": li.pk, "choice": "oppose", "scan": _scan()})
    client.post(
        url,
        {"step": "confirm", "party": li.pk, "token": response.context["token"], "confirm": "0"},
    )
    assert BoardEntry.objects.filter(vote=vote).count() == 1


def test_forged_confirmation_is_refused(client, setup):
    vote = setup["vote"]
    li = party(setup["estate"], "李雷")
    client.force_login(setup["committee"])
    url = reverse("voting:paper", args=[vote.pk])
    client.post(url, {"party": li.pk, "choice": "agree", "scan": _scan()})
    client.post(url, {"step": "confirm", "party": li.pk, "token": "forged", "confirm": "1"})
    assert BoardEntry.objects.filter(vote=vote).count() == 1


def test_service_refuses_a_replacement_without_confirmation(setup):
    vote = setup["vote"]
    li = party(setup["estate"], "李雷")
    first = services.ballot_cast(
        actor=setup["committee"],
        vote=vote,
        party=li,
        choice="agree",
        channel="paper",
        scan=ContentFile(SCAN, name="a.png"),
    )
    for replaces in (None, first.n + 7):
        with pytest.raises(services.VoteError) as exc:
            services.ballot_cast(
                actor=setup["committee"],
                vote=vote,
                party=li,
                choice="oppose",
                channel="paper",
                scan=ContentFile(SCAN, name="b.png"),
                replaces=replaces,
            )
        assert exc.value.code == "confirm_replace"
    second = services.ballot_cast(
        actor=setup["committee"],
        vote=vote,
        party=li,
        choice="oppose",
        channel="paper",
        scan=ContentFile(SCAN, name="b.png"),
        replaces=first.n,
    )
    assert second.supersedes == first.n


@pytest.mark.parametrize("who", ["anonymous", "owner", "other_committee", "company"])
def test_only_the_estate_committee_may_search(client, setup, who):
    vote = setup["vote"]
    url = reverse("voting:paper_search", args=[vote.pk])
    if who == "owner":
        client.force_login(link_user(party(setup["estate"], "李雷")))
    elif who == "other_committee":
        world = setup["world"]
        client.force_login(
            staff(
                OrgKind.OWNERS_COMMITTEE,
                world.estate_nodes[1],
                Role.MEMBER,
                organisation=world.committees[1],
            )
        )
    elif who == "company":
        client.force_login(
            staff(
                OrgKind.PROPERTY_COMPANY,
                setup["world"].city,
                Role.MEMBER,
                organisation=setup["world"].companies[0],
            )
        )
    response = client.get(url, {"q": "李雷"})
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code in (403, 404)
        assert "李雷" not in response.content.decode()
    client.force_login(setup["committee"])
    assert "李雷" in client.get(url, {"q": "李雷"}).content.decode()


def test_the_party_s_paper_ballot_scan_is_linked_and_opens(client, setup):
    """Entering a party that already has a paper ballot shows a link to that ballot's scan,
    which opens for the committee."""
    vote = setup["vote"]
    li = party(setup["estate"], "李雷")
    client.force_login(setup["committee"])
    url = reverse("voting:paper", args=[vote.pk])
    client.post(url, {"party": li.pk, "choice": "agree", "scan": _scan()})
    paper = PaperBallot.objects.get(vote=vote)
    page = client.get(url, {"party": li.pk}).content.decode()
    scan_url = reverse("voting:paper_scan", args=[vote.pk, paper.pk])
    assert f'href="{scan_url}"' in page
    response = client.get(scan_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SCAN


def _stashed(vote, name="p.png"):
    return services.paper_scan_stash(vote=vote, scan=ContentFile(SCAN, name=name))


def test_unconfirmed_scans_are_swept(setup, settings, tmp_path):
    """A committee member who stops at the confirmation leaves a stashed scan: the sweep deletes
    it once PAPER_PENDING_MAX_AGE has passed, keeps a fresh one, and deletes every scan of a
    vote that is no longer open."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    vote = setup["vote"]
    storage = private_storage()
    path = _stashed(vote)
    assert storage.exists(path)
    assert services.paper_scans_sweep() == 0  # fresh: the committee may still confirm
    assert storage.exists(path)
    later = timezone.now() + services.PAPER_PENDING_MAX_AGE + timedelta(seconds=1)
    assert services.paper_scans_sweep(now=later) == 1
    assert not storage.exists(path)

    path = _stashed(vote)
    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.CLOSED)
    assert services.paper_scans_sweep() == 1  # the vote closed: nothing can confirm it now
    assert not storage.exists(path)


def test_the_minute_task_sweeps_unconfirmed_scans(setup, settings, tmp_path):

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    path = _stashed(setup["vote"])
    moved = advance_votes(now=timezone.now() + timedelta(hours=1))
    assert moved["scans_swept"] >= 1
    assert not private_storage().exists(path)
