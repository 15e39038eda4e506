"""Trustees hold a vote's key (issue 18): naming them, their key files, the open vote holding no
key, the opening at the count, refusals that write nothing, the pages and who may use them."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from portal.organisations.models import OrgKind, Role
from tests.factories import add_units, staff
from tests.voting.factories import draft_vote, link_user, party
from voting import keys, services, tasks, trustee_services
from voting.models import Ballot, Vote, VoteStatus, VoteTrustee, VotingVersion
from voting.sealing import ChoiceOpener, ballot_context, unwrap_private_key

pytestmark = pytest.mark.django_db

PASSPHRASES = ["committee-passphrase-1", "street-passphrase-22", "owner-passphrase-333"]


@pytest.fixture
def setup(world):
    estate = world.estates[0]
    add_units(
        estate,
        [
            ("1-101", "100.00", "A"),
            ("1-102", "120.00", "B"),
            ("1-103", "90.00", "C"),
            ("1-104", "80.00", None),
        ],
    )
    committee = staff(
        OrgKind.OWNERS_COMMITTEE, estate.jurisdiction, Role.MEMBER, organisation=world.committees[0]
    )
    street = staff(OrgKind.STREET_OFFICE, world.streets[0])
    return {
        "world": world,
        "estate": estate,
        "committee": committee,
        "street": street,
        "owner_a": link_user(party(estate, "A")),
        "owner_b": link_user(party(estate, "B")),
        "outsider_street": staff(OrgKind.STREET_OFFICE, world.streets[1]),
    }


def _named(setup):
    return [
        (setup["committee"], "committee"),
        (setup["street"], "street"),
        (setup["owner_a"], "scrutineer"),
    ]


def _draft_with_trustees(setup, k=2):
    vote = draft_vote(setup["estate"], actor=setup["committee"])
    trustee_services.trustees_name(actor=setup["committee"], vote=vote, k=k, named=_named(setup))
    files = {}
    for t, passphrase in zip(vote.trustees.order_by("number"), PASSPHRASES, strict=True):
        files[t.number] = trustee_services.trustee_make_key(
            actor=t.user, trustee=t, passphrase=passphrase
        )
    return vote, files


def _open(vote):
    services.vote_schedule(actor=None, vote=vote, now=vote.opens_at - timedelta(days=8))
    services.vote_open(vote=vote, now=vote.opens_at)
    return vote


def _cast_and_close(setup, vote):
    services.ballot_cast(
        actor=setup["owner_a"],
        vote=vote,
        party=party(setup["estate"], "A"),
        choice="agree",
        now=vote.opens_at,
    )
    services.ballot_cast(
        actor=setup["owner_b"],
        vote=vote,
        party=party(setup["estate"], "B"),
        choice="oppose",
        now=vote.opens_at,
    )
    services.vote_close(vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    return vote


def _trustee(vote, number) -> VoteTrustee:
    return VoteTrustee.objects.get(vote=vote, number=number)


def _state(vote):
    """Everything a refusal must leave unchanged."""
    vote.refresh_from_db()
    return (
        vote.status,
        list(
            vote.trustees.order_by("number").values_list("sealed_share", "opened_share", "acted_at")
        ),
    )


# --- naming and keys ---------------------------------------------------------------------------


def test_naming_checks_who_may_be_a_trustee_and_k(setup):
    vote = draft_vote(setup["estate"], actor=setup["committee"])
    refused = [
        (2, [(setup["committee"], "committee")]),  # one trustee
        (1, _named(setup)),  # k below 2
        (4, _named(setup)),  # k above n
        (2, [*_named(setup)[:2], (setup["committee"], "scrutineer")]),  # named twice
        (2, [*_named(setup)[:2], (setup["outsider_street"], "street")]),  # other street
        (2, [*_named(setup)[:2], (setup["street"], "scrutineer")]),  # not an owner here
        (2, []),  # an online vote without trustees
    ]
    for k, named in refused:
        with pytest.raises(services.VoteError):
            trustee_services.trustees_name(actor=setup["committee"], vote=vote, k=k, named=named)
    assert not VoteTrustee.objects.exists()
    vote.refresh_from_db()
    assert vote.trustee_threshold is None

    trustee_services.trustees_name(actor=setup["committee"], vote=vote, k=2, named=_named(setup))
    rows = list(vote.trustees.order_by("number"))
    assert [(t.number, t.kind) for t in rows] == [
        (1, "committee"),
        (2, "street"),
        (3, "scrutineer"),
    ]
    assert vote.trustee_threshold == 2
    told = Notification.objects.filter(kind="voting.trustee_named")
    assert {n.recipient_id for n in told} == {u.pk for u, _k in _named(setup)}


def test_schedule_waits_for_every_key_and_a_key_is_made_only_by_its_trustee(setup):
    vote = draft_vote(setup["estate"], actor=setup["committee"])
    trustee_services.trustees_name(actor=setup["committee"], vote=vote, k=2, named=_named(setup))
    first = _trustee(vote, 1)
    with pytest.raises(services.VoteError):
        trustee_services.trustee_make_key(
            actor=setup["street"], trustee=first, passphrase=PASSPHRASES[0]
        )
    with pytest.raises(services.VoteError):
        trustee_services.trustee_make_key(actor=first.user, trustee=first, passphrase="short")
    first.refresh_from_db()
    assert first.public_key is None
    for t, p in zip(vote.trustees.order_by("number")[:2], PASSPHRASES, strict=False):
        trustee_services.trustee_make_key(actor=t.user, trustee=t, passphrase=p)
    with pytest.raises(services.VoteError) as exc:
        services.vote_schedule(actor=None, vote=vote, now=vote.opens_at - timedelta(days=8))
    assert exc.value.code == "trustee_keys"
    third = _trustee(vote, 3)
    key_file = trustee_services.trustee_make_key(
        actor=third.user, trustee=third, passphrase=PASSPHRASES[2]
    )
    assert b"gongzhi-trustee-key/1" in key_file
    third.refresh_from_db()
    assert len(bytes(third.public_key)) == 32 and key_file not in bytes(third.public_key)
    services.vote_schedule(actor=None, vote=vote, now=vote.opens_at - timedelta(days=8))
    with pytest.raises(services.VoteError):  # too late once scheduled
        trustee_services.trustee_make_key(actor=third.user, trustee=third, passphrase="x" * 12)


# --- the open vote holds no key ----------------------------------------------------------------


def test_open_vote_with_trustees_stores_no_key_and_is_not_counted_by_the_worker(setup):
    vote, _files = _draft_with_trustees(setup)
    _open(vote)
    vote.refresh_from_db()
    assert vote.private_key_wrapped is None and vote.private_key is None
    assert all(t.sealed_share for t in vote.trustees.all())
    _cast_and_close(setup, vote)
    moved = tasks.advance_votes(now=vote.closes_at + timedelta(minutes=1))
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED and moved["counted"] == 0
    assert moved["trustees_called"] == 1
    told = Notification.objects.filter(kind="voting.trustee_open")
    assert told.count() == 3
    # Called again only a day later, and then only those who have not acted.
    tasks.advance_votes(now=vote.closes_at + timedelta(hours=2))
    assert told.count() == 3
    with pytest.raises(services.VoteError):
        services.vote_count(vote=vote)


def test_everything_the_server_has_opens_no_choice(setup):
    """With the vote open, take every database row, every file under BOARD_KEY_DIR and the
    settings' secrets: nothing among them, used as the vote's key or unwrapped with the board's
    wrapping key, opens a sealed choice."""
    vote, _files = _draft_with_trustees(setup)
    _open(vote)
    services.ballot_cast(
        actor=setup["owner_a"],
        vote=vote,
        party=party(setup["estate"], "A"),
        choice="agree",
        now=vote.opens_at,
    )
    ballot = Ballot.objects.get(vote=vote)
    sealed, context = bytes(ballot.sealed_choice), ballot_context(vote.board_id, ballot.pseudonym)

    # The dump: every value of every table, binary and text.
    candidates: set[bytes] = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        candidates.add(bytes(value))
                    elif isinstance(value, str):
                        candidates.add(value.encode())
    key_dir = Path(settings.BOARD_KEY_DIR)
    files = [p.read_bytes() for p in key_dir.rglob("*") if p.is_file()]
    assert files, "the board keys exist"
    candidates.update(files)
    candidates.add(settings.SECRET_KEY.encode())
    candidates.update(keys.wrapping_key() for _ in [0])
    candidates.add(keys.pseudonym_key())

    def windows(blob: bytes):
        yield blob
        if len(blob) <= 4096:
            for i in range(0, max(len(blob) - 31, 0)):
                yield blob[i : i + 32]

    opened = 0
    tried = 0
    for blob in candidates:
        for key in windows(blob):
            if len(key) != 32:
                continue
            tried += 1
            try:
                ChoiceOpener(key).open(sealed, context=context)
                opened += 1
            except Exception:  # noqa: BLE001, S112 - every failure is the point
                continue
    assert tried > 100 and opened == 0
    # No wrapped key to unwrap, and the wrapping key opens no stored value.
    assert Vote.objects.get(pk=vote.pk).private_key_wrapped is None
    for blob in candidates:
        with pytest.raises(Exception):  # noqa: B017, PT011
            unwrap_private_key(blob, keys.wrapping_key(), context=f"vote:{vote.pk}".encode())
    # Any single trustee's share is stored sealed to a key the portal never had.
    assert all(len(bytes(t.sealed_share)) > 32 for t in vote.trustees.all())


# --- opening the count -------------------------------------------------------------------------


def test_no_trustee_acts_before_close(setup):
    vote, files = _draft_with_trustees(setup)
    _open(vote)
    before = _state(vote)
    with pytest.raises(services.VoteError) as exc:
        trustee_services.trustee_open(
            actor=setup["committee"],
            trustee=_trustee(vote, 1),
            key_file=files[1],
            passphrase=PASSPHRASES[0],
        )
    assert exc.value.code == "bad_state"
    assert _state(vote) == before
    assert AuditEvent.objects.filter(action="voting.trustee_refused").count() == 1


@pytest.mark.parametrize(
    "case",
    ["wrong_passphrase", "other_trustee", "not_a_key_file", "other_vote", "not_the_trustee"],
)
def test_bad_file_or_passphrase_is_refused_clearly_and_writes_nothing(setup, case, settings):
    settings.LANGUAGE_CODE = "en"
    vote, files = _draft_with_trustees(setup)
    _open(vote)
    _cast_and_close(setup, vote)
    first = _trustee(vote, 1)
    key_file, passphrase, actor = files[1], PASSPHRASES[0], setup["committee"]
    if case == "wrong_passphrase":
        passphrase = "not-the-passphrase"
    elif case == "other_trustee":
        key_file = files[2]
    elif case == "not_a_key_file":
        key_file = b"%PDF-1.7 hello"
    elif case == "other_vote":
        other, other_files = _draft_with_trustees(setup)
        key_file = other_files[1]
    else:
        actor = setup["street"]
    before = _state(vote)
    with pytest.raises(services.VoteError) as exc:
        trustee_services.trustee_open(
            actor=actor, trustee=first, key_file=key_file, passphrase=passphrase
        )
    expected = {
        "wrong_passphrase": "The passphrase does not open this key file.",
        "other_trustee": "This key file belongs to another trustee of the vote.",
        "not_a_key_file": "This is not a trustee key file of the portal.",
        "other_vote": "This key file belongs to another vote.",
        "not_the_trustee": "Only the trustee can open their share.",
    }[case]
    assert str(exc.value) == expected
    assert _state(vote) == before


def test_refusal_in_chinese(setup, settings):
    from django.utils import translation

    vote, files = _draft_with_trustees(setup)
    _open(vote)
    _cast_and_close(setup, vote)
    with translation.override("zh-hans"), pytest.raises(services.VoteError) as exc:
        trustee_services.trustee_open(
            actor=setup["committee"],
            trustee=_trustee(vote, 1),
            key_file=files[1],
            passphrase="wrong-passphrase",
        )
    assert "口令" in str(exc.value)


def test_two_of_three_open_the_count_and_every_share_is_erased(setup):
    vote, files = _draft_with_trustees(setup)
    _open(vote)
    _cast_and_close(setup, vote)
    trustee_services.trustee_open(
        actor=setup["street"],
        trustee=_trustee(vote, 2),
        key_file=files[2],
        passphrase=PASSPHRASES[1],
    )
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED and vote.private_key is None
    second = _trustee(vote, 2)
    assert second.acted_at and second.opened_share
    with pytest.raises(services.VoteError) as exc:  # once only
        trustee_services.trustee_open(
            actor=setup["street"], trustee=second, key_file=files[2], passphrase=PASSPHRASES[1]
        )
    assert exc.value.code == "already"
    # A reminder a day later goes only to those who have not acted.
    Notification.objects.all().delete()
    trustee_services.trustees_call(vote=vote, now=vote.closes_at + timedelta(days=1))
    assert set(
        Notification.objects.filter(kind="voting.trustee_open").values_list(
            "recipient_id", flat=True
        )
    ) == {setup["committee"].pk, setup["owner_a"].pk}

    version = VotingVersion.current()
    trustee_services.trustee_open(
        actor=setup["owner_a"],
        trustee=_trustee(vote, 3),
        key_file=files[3],
        passphrase=PASSPHRASES[2],
    )
    vote.refresh_from_db()
    assert vote.status == VoteStatus.COUNTED
    assert VotingVersion.current() != version  # the cached figures of votes are replaced
    assert vote.result["agree"]["heads"] == 1 and vote.result["oppose"]["heads"] == 1
    assert vote.private_key is not None  # published with the result, as before
    rows = list(vote.trustees.values_list("sealed_share", "opened_share"))
    assert rows == [(None, None)] * 3
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"voting.trustee_opened", "voting.trustee_shares_erased", "voting.counted"} <= actions
    # After the count nothing is left to open.
    with pytest.raises(services.VoteError):
        trustee_services.trustee_open(
            actor=setup["committee"],
            trustee=_trustee(vote, 1),
            key_file=files[1],
            passphrase=PASSPHRASES[0],
        )


def test_votes_without_trustees_count_as_before(setup):
    vote = draft_vote(setup["estate"], channels=["paper"])
    trustee_services.trustees_name(actor=setup["committee"], vote=vote, k=None, named=[])
    _open(vote)
    vote.refresh_from_db()
    assert vote.private_key_wrapped is not None
    services.vote_close(vote=vote, now=vote.closes_at)
    moved = tasks.advance_votes(now=vote.closes_at + timedelta(minutes=1))
    assert moved["counted"] == 1


# --- pages ------------------------------------------------------------------------------------


def test_pages_refuse_the_wrong_user(client, setup):
    vote, _files = _draft_with_trustees(setup)
    for user, name, code in [
        (setup["owner_b"], "voting:trustees", 403),  # an owner is not the organiser
        (setup["outsider_street"], "voting:trustees", 403),
        (setup["owner_b"], "voting:trustee_key", 403),  # not a trustee
        (setup["owner_b"], "voting:trustee_open", 403),
        (setup["committee"], "voting:trustees", 200),
        (setup["committee"], "voting:trustee_key", 200),
        (setup["owner_a"], "voting:trustee_key", 200),
    ]:
        client.force_login(user)
        assert client.get(reverse(name, args=[vote.pk])).status_code == code, (user, name)
    client.force_login(setup["owner_b"])
    response = client.post(
        reverse("voting:trustee_key", args=[vote.pk]),
        {"passphrase": "a-new-passphrase", "passphrase_again": "a-new-passphrase"},
    )
    assert response.status_code == 403


def test_journey_through_the_pages(client, setup):
    """The committee names three trustees, each downloads a key file, owners vote, the vote
    closes, two trustees open it from their pages and the vote is counted."""
    vote = draft_vote(setup["estate"], actor=setup["committee"])
    client.force_login(setup["committee"])
    url = reverse("voting:trustees", args=[vote.pk])
    response = client.post(
        url,
        {
            "threshold": 2,
            "committee": [setup["committee"].pk],
            "street": [setup["street"].pk],
            "scrutineer": [setup["owner_a"].pk],
        },
    )
    assert response.status_code == 302
    files = {}
    for number, passphrase in zip(itertools.count(1), PASSPHRASES):
        t = _trustee(vote, number)
        client.force_login(t.user)
        key_url = reverse("voting:trustee_key", args=[vote.pk])
        bad = client.post(key_url, {"passphrase": passphrase, "passphrase_again": "other"})
        assert bad.status_code == 200 and not bad.has_header("Content-Disposition")
        response = client.post(key_url, {"passphrase": passphrase, "passphrase_again": passphrase})
        assert response["Content-Disposition"].startswith("attachment")
        assert "no-store" in response["Cache-Control"]
        files[number] = response.content
    _open(vote)
    _cast_and_close(setup, vote)
    client.force_login(setup["street"])
    workbench = client.get(reverse("workbench:home")).content.decode()
    assert reverse("voting:trustee_open", args=[vote.pk]) in workbench
    client.force_login(setup["committee"])
    page = client.get(url).content.decode()
    assert "2 of 3" in page or "3 人中" in page
    open_url = reverse("voting:trustee_open", args=[vote.pk])
    client.force_login(setup["street"])
    wrong = client.post(
        open_url,
        {
            "key_file": SimpleUploadedFile("k.json", files[1]),
            "passphrase": PASSPHRASES[1],
        },
    )
    assert wrong.status_code == 200 and _trustee(vote, 2).acted_at is None
    for number in (2, 3):
        t = _trustee(vote, number)
        client.force_login(t.user)
        response = client.post(
            open_url,
            {
                "key_file": SimpleUploadedFile("k.json", files[number]),
                "passphrase": PASSPHRASES[number - 1],
            },
        )
        assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.status == VoteStatus.COUNTED


def test_a_vote_its_trustees_cannot_open_is_held_again(client, setup):
    """Fewer than k trustees can act: the organiser holds the vote again (a new draft with the
    same motion, no trustees yet); the closed vote stays uncounted. Nobody else may."""
    vote, _files = _draft_with_trustees(setup)
    with pytest.raises(services.VoteError):  # not before close
        trustee_services.vote_hold_again(actor=setup["committee"], vote=vote)
    _open(vote)
    _cast_and_close(setup, vote)
    url = reverse("voting:trustees", args=[vote.pk])
    client.force_login(setup["street"])  # a trustee, not the organiser (the estate has one)
    assert client.post(url, {"hold_again": "1"}).status_code == 403
    client.force_login(setup["committee"])
    page = client.get(url).content.decode()
    assert 'name="hold_again"' in page
    version = VotingVersion.current()
    response = client.post(url, {"hold_again": "1"})
    assert VotingVersion.current() != version  # a new vote: the cached figures are replaced
    new = Vote.objects.exclude(pk=vote.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "voting:edit", args=[new.pk]
    )
    assert (new.status, new.title, new.motion, new.channels) == (
        VoteStatus.DRAFT,
        vote.title,
        vote.motion,
        vote.channels,
    )
    assert new.trustee_threshold is None and not new.trustees.exists()
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED and vote.result is None


def test_the_form_offers_the_default_trustees(client, setup):
    """A draft without trustees: the organiser (a committee member) and a street officer are
    ticked; owner scrutineers are left to choose among those who accept."""
    vote = draft_vote(setup["estate"], actor=setup["committee"])
    client.force_login(setup["committee"])
    form = client.get(reverse("voting:trustees", args=[vote.pk])).context["form"]
    assert form.initial["committee"] == [setup["committee"].pk]
    assert form.initial["street"] == [setup["street"].pk]
    assert form.initial["threshold"] == 2
