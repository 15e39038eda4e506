"""Issue 18, the last parts: every link from a published choice to a party is cut at the count.

The test over everything the server holds after the count (the issue's "Done when"), the
per-vote pseudonym secret, the ballot-to-party list kept sealed to the trustees for the
objection period and erased after it, trustees required for online ballots, the public board
page naming the trustees, a refused count that keeps the trustee's opened share, and the pages
an owner reads after the count."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.urls import reverse
from django.utils import translation

from portal.audit.models import AuditEvent
from portal.notifications.models import Delivery, Notification
from portal.organisations.models import OrgKind, Role
from property.registry.models import OwnerParty, Person
from tests.factories import add_units, make_user, staff
from tests.voting.factories import draft_vote, link_user, party
from tests.voting.test_trustee_flow import PASSPHRASES, _draft_with_trustees, _open, _trustee
from voting import board, keys, services, tasks, trustee_services
from voting.board_format import COMMITTED_ENTRY_FIELDS
from voting.management.commands import vote_dispute_links
from voting.models import (
    Ballot,
    BallotDispute,
    BoardElector,
    BoardEntry,
    PaperBallot,
    Vote,
    VoteElector,
    VoteStatus,
)
from voting.sealing import derive_key, party_pseudonym, unwrap_private_key
from voting.tally import format_area
from voting.verify import verify_export

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 37


@pytest.fixture
def setup(world):
    """As in ``test_trustee_flow``: parties A, B, C; a committee member, a street officer."""
    estate = world.estates[0]
    add_units(
        estate,
        [("1-101", "100.00", "A"), ("1-102", "120.00", "B"), ("1-103", "90.00", "C")],
    )
    return {
        "world": world,
        "estate": estate,
        "committee": staff(
            OrgKind.OWNERS_COMMITTEE,
            estate.jurisdiction,
            Role.MEMBER,
            organisation=world.committees[0],
        ),
        "street": staff(OrgKind.STREET_OFFICE, world.streets[0]),
        "owner_a": link_user(party(estate, "A")),
        "owner_b": link_user(party(estate, "B")),
    }


def _pdf():
    return ContentFile(b"%PDF-1.4\n", name="auth.pdf")


@pytest.fixture
def counted(setup, django_capture_on_commit_callbacks):
    """A vote with three trustees (2 of 3): a proxy ballot for C, a paper ballot for B entered by
    the committee, A online, then a change by A: board order C, B, A, A, unlike party order
    A, B, C. Closed; trustees 1 and 2 open it and it is counted."""
    estate = setup["estate"]
    vote, files = _draft_with_trustees(setup)
    _open(vote)
    t0 = vote.opens_at
    pa, pb, pc = (party(estate, label) for label in "ABC")
    owner_c = link_user(pc)
    proxy = make_user(phone="+8613900004444")
    auth = services.proxy_request(
        actor=owner_c, vote=vote, party=pc, proxy_phone="13900004444", document=_pdf()
    )
    services.proxy_decide(
        actor=setup["committee"], authorization=auth, approve=True, now=t0 + timedelta(seconds=7)
    )
    casts = [
        (proxy, pc, "agree", "proxy", 3),
        (setup["committee"], pb, "oppose", "paper", 11),
        (setup["owner_a"], pa, "oppose", "online", 17),
        (setup["owner_a"], pa, "agree", "online", 29),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for actor, p, choice, channel, minutes in casts:
            services.ballot_cast(
                actor=actor,
                vote=vote,
                party=p,
                choice=choice,
                channel=channel,
                scan=ContentFile(PNG, name="ballot.png") if channel == "paper" else None,
                now=t0 + timedelta(minutes=minutes, seconds=13),
            )
    before = {
        "pseudonyms": dict(
            VoteElector.objects.filter(vote=vote).values_list("party_id", "pseudonym")
        ),
        "notices": Notification.objects.filter(kind="voting.ballot_entered").count(),
        # Format 6: each party's area commitment (published) and opening (its receipt's).
        "hidden": {
            party_id: (bytes(c), bytes(o), area)
            for party_id, c, o, area in VoteElector.objects.filter(vote=vote).values_list(
                "party_id", "commitment", "opening", "area_centi"
            )
        },
        "texts": Delivery.objects.filter(
            kind="voting.ballot_entered", notification__isnull=True
        ).count(),
    }
    vote = Vote.objects.get(pk=vote.pk)
    assert vote.pseudonym_secret_wrapped is not None  # held wrapped while the vote runs
    secret = unwrap_private_key(
        bytes(vote.pseudonym_secret_wrapped),
        keys.wrapping_key(),
        context=f"vote:{vote.pk}:pseudonym".encode(),
    )
    # The control: before the count the server's secrets recompute every pseudonym.
    assert {
        p: party_pseudonym(secret, vote.board_id, str(p)) for p in before["pseudonyms"]
    } == before["pseudonyms"]
    services.vote_close(vote=vote, now=vote.closes_at)
    for number in (1, 2):
        trustee_services.trustee_open(
            actor=_trustee(vote, number).user,
            trustee=_trustee(vote, number),
            key_file=files[number],
            passphrase=PASSPHRASES[number - 1],
            now=vote.closes_at + timedelta(hours=number),
        )
    vote.refresh_from_db()
    assert vote.status == VoteStatus.COUNTED
    path = board.board_export_publish(vote=vote)
    return {
        "vote": vote,
        "files": files,
        "before": before,
        "parties": (pa, pb, pc),
        "people": [owner_c, proxy, setup["owner_a"], setup["owner_b"], setup["committee"]],
        "export": path,
    }


# --- the dump -----------------------------------------------------------------------------------


def _naming_models() -> dict[str, list[str]]:
    """Every table whose rows name a party, person or account: {table: naming columns}. The
    user, person and party tables themselves, and every table with a foreign key to them."""
    user = apps.get_model(settings.AUTH_USER_MODEL)
    targets = {user, Person, OwnerParty}
    out = {}
    for model in apps.get_models(include_auto_created=True):
        cols = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model in targets
        ]
        if model in targets:
            cols.append(model._meta.pk.column)
        if cols:
            out[model._meta.db_table] = cols
    return out


def _dump() -> dict[str, list[dict]]:
    """Every row of every table, by raw SQL."""
    out = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            names = [c[0] for c in cursor.description]
            out[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return out


def _as_text(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else str(value)


def _minute(value) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(datetime.now().astimezone().tzinfo).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and value[10] in " T":
        try:
            return _minute(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _files() -> dict[str, bytes]:
    out = {}
    for root in (settings.BOARD_KEY_DIR, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for p in Path(root).rglob("*"):
            if p.is_file():
                out[str(p)] = p.read_bytes()
    return out


def test_nothing_the_server_holds_after_the_count_links_an_entry_to_a_party(counted):
    """The issue's "Done when": after the count, no row of any table that names a party,
    person or account holds an entry's pseudonym, entry hash, receipt code, entry id, or the
    minute an entry was cast; the audit log and the export name no voter beside anything of the
    board; every file under BOARD_KEY_DIR and the media holds none of them either (beside the
    public export and the paper scans, which hold no name)."""
    vote = counted["vote"]
    entries = list(BoardEntry.objects.filter(vote=vote).order_by("n"))
    assert [e.channel for e in entries] == ["proxy", "paper", "online", "online"]
    published = set(BoardElector.objects.filter(vote=vote).values_list("pseudonym", flat=True))
    assert published == set(counted["before"]["pseudonyms"].values())
    secrets = set(published)
    for e in entries:
        secrets |= {e.entry_hash, e.receipt, e.receipt.replace("-", "")}
    # Format 6: the published area commitments (hex as the dump shows bytes, and base64 as the
    # export writes them) name no party either.
    for commitment, _opening, _area in counted["before"]["hidden"].values():
        secrets |= {commitment.hex(), base64.b64encode(commitment).decode()}
    entry_ids = {e.pk for e in entries}
    minutes = {_minute(e.time) for e in entries}

    dump = _dump()
    naming = _naming_models()
    entry_fk = {
        model._meta.db_table: [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is BoardEntry
        ]
        for model in apps.get_models()
    }
    checked = 0
    for table, cols in naming.items():
        for row in dump.get(table, []):
            if all(row.get(c) is None for c in cols):
                continue  # names no one (e.g. a ballot entered by no account)
            checked += 1
            for column, value in row.items():
                text = _as_text(value)
                found = [s for s in secrets if s and s in text]
                assert not found, (table, column, found)
                assert _minute(value) not in minutes, (table, column, value)
            for column in entry_fk.get(table, []):
                assert row[column] not in entry_ids, (table, column)
    assert checked > 20  # users, people, parties, electors, ballots, trustees, audit events...

    # The rows that carried the links, one by one.
    assert not VoteElector.objects.filter(vote=vote, pseudonym__isnull=False).exists()
    assert not VoteElector.objects.filter(vote=vote, commitment__isnull=False).exists()
    assert not VoteElector.objects.filter(vote=vote, opening__isnull=False).exists()
    assert not BoardElector.objects.filter(vote=vote, area_centi__isnull=False).exists()
    ballots = list(Ballot.objects.filter(vote=vote).order_by("pk"))
    assert [b.party_id for b in ballots] == sorted(p.pk for p in counted["parties"])  # party order
    assert all(
        b.entry_id is None and b.pseudonym is None and b.cast_at is None and b.changes is None
        for b in ballots
    )
    assert all(bytes(b.sealed_choice) == b"" for b in ballots)
    assert not BoardEntry.objects.filter(vote=vote, voter__isnull=False).exists()
    assert PaperBallot.objects.filter(vote=vote, entered_by__isnull=True, entered_at=None).count()
    assert counted["before"]["notices"] >= 1 and counted["before"]["texts"] >= 0
    assert not Notification.objects.filter(kind="voting.ballot_entered").exists()
    assert not Delivery.objects.filter(kind="voting.ballot_entered").exists()
    vote.refresh_from_db()
    assert vote.pseudonym_secret_wrapped is None and vote.links_cut_at is not None
    assert AuditEvent.objects.filter(action="voting.links_cut", object_id=str(vote.pk)).exists()

    # The audit log: no event names an entry, and its text holds no secret.
    for event in AuditEvent.objects.all():
        text = json.dumps([event.action, event.details, event.object_id], ensure_ascii=False)
        assert not [s for s in secrets if s in text], event.action
        if event.action != "voting.dispute_links_opened":
            assert not {"entry", "receipt", "pseudonym", "time"} & set(event.details or {})

    # The export: public, and it names no one.
    export = counted["export"].read_text(encoding="utf-8")
    for person in counted["people"]:
        for word in (person.email, person.phone, str(person), person.username):
            if word and len(word) > 3:
                assert word not in export
    for person in Person.objects.all():
        if len(person.name) >= 2:
            assert person.name not in export
        assert not person.phone or person.phone not in export

    # Files: none holds a secret except the public export; none names a person.
    for path, data in _files().items():
        if path == str(counted["export"]):
            continue
        text = data.decode("latin-1")
        assert not [s for s in secrets if s in text or s in path], path


def test_no_area_can_be_matched_to_an_entry_after_the_count(counted):
    """Format 6 (issue 18's last gap): with the registry's areas in hand, nothing public or
    stored matches an entry or a published party to an area. The export carries no area per
    entry or per party and no party's opening; no table and no file holds an opening any more
    (the voters' receipts are the only copies); the published electorate holds commitments
    only. What stays public are the sums the law needs: the electorate's total and each
    choice's total (with one opening each)."""
    data = json.loads(counted["export"].read_text(encoding="utf-8"))
    assert data["format"] == "gongzhi-board/6"
    assert all(set(e) == set(COMMITTED_ENTRY_FIELDS) for e in data["entries"])
    assert all(set(p) == {"pseudonym", "commitment"} for p in data["electorate"]["parties"])
    hidden = counted["before"]["hidden"]
    assert {p["commitment"] for p in data["electorate"]["parties"]} == {
        base64.b64encode(c).decode() for c, _o, _a in hidden.values()
    }
    # Every party's area appears nowhere as a per-party figure: only totals are published.
    figures = {
        (choice, data["result"][choice]["area"]) for choice in ("agree", "oppose", "abstain")
    }
    assert figures == {("agree", "190.00"), ("oppose", "120.00"), ("abstain", "0.00")}
    text = json.dumps({k: v for k, v in data.items() if k != "result"})
    for _c, _o, area in hidden.values():
        assert f'"{format_area(area)}"' not in text  # no party's area outside the result
    assert data["electorate"]["area"] == "310.00"
    # No opening of a party anywhere: the export, any table, any file. The residual the docs
    # state: B alone opposed, so the oppose total is B's area and its opening B's own.
    pa, pb, pc = counted["parties"]
    assert data["result"]["openings"]["oppose"] == hidden[pb.pk][1].hex()
    openings = {hidden[p.pk][1].hex() for p in (pa, pc)}  # A and C agreed: a sum of two
    assert not [o for o in openings if o in json.dumps(data)]
    for table, rows in _dump().items():
        for row in rows:
            for column, value in row.items():
                found = [o for o in openings if o in _as_text(value)]
                assert not found, (table, column)
    for path, content in _files().items():
        assert not [o for o in openings if bytes.fromhex(o) in content or o.encode() in content]
    # The sums open, and nothing else does: the verifier's checks pass on this export.
    assert verify_export(data).ok


def _candidate_secrets(dump: dict, files: dict[str, bytes]) -> set[bytes]:
    """Every secret the server holds after the count: every stored value (and each 32-byte
    window of the small ones), every file and its windows, the settings' secret key, the board
    secret and what it derives, and whatever the wrapping key unwraps from a stored value."""
    blobs: set[bytes] = set()
    for rows in dump.values():
        for row in rows:
            for value in row.values():
                if isinstance(value, bytes | memoryview):
                    blobs.add(bytes(value))
                elif isinstance(value, str) and len(value) >= 16:
                    blobs.add(value.encode())
    blobs.update(files.values())
    out: set[bytes] = set()
    for blob in blobs:
        if len(blob) >= 16:
            out.add(blob)
        if len(blob) <= 4096:
            out.update(blob[i : i + 32] for i in range(0, max(len(blob) - 31, 0)))
    out.add(settings.SECRET_KEY.encode())
    secret = keys.board_secret()
    out |= {secret, keys.pseudonym_key(), keys.wrapping_key()}
    out |= {derive_key(secret, p) for p in ("party-pseudonym", "vote-key-wrap", "pseudonym")}
    wrap = keys.wrapping_key()
    for blob in list(blobs):
        for context in (b"pseudonym", b"dispute-links", b""):
            for vote_id in Vote.objects.values_list("pk", flat=True):
                ctx = f"vote:{vote_id}".encode() + (b":" + context if context else b"")
                try:
                    out.add(unwrap_private_key(blob, wrap, context=ctx))
                except Exception:  # noqa: BLE001, S112 - most values are no wrapped key
                    continue
    return {s for s in out if len(s) >= 16}


def test_no_secret_the_server_holds_recomputes_a_published_pseudonym(counted):
    """Recomputing every party's pseudonym with every secret found on the server after the
    count gives no pseudonym of the published electorate (before the count it did: the
    fixture's control)."""
    vote = counted["vote"]
    published = set(BoardElector.objects.filter(vote=vote).values_list("pseudonym", flat=True))
    candidates = _candidate_secrets(_dump(), _files())
    assert len(candidates) > 1000
    party_ids = [str(p) for p in OwnerParty.objects.values_list("pk", flat=True)]
    hits = [
        (p, c[:8])
        for c in candidates
        for p in party_ids
        if party_pseudonym(c, vote.board_id, p) in published
    ]
    assert hits == []


# --- the sealed ballot-to-party links ---------------------------------------------------------


def _command(vote, entry, key_files, passphrases, tmp_path, monkeypatch):
    paths = []
    for i, data in enumerate(key_files):
        p = tmp_path / f"key-{i}.json"
        p.write_bytes(data)
        paths.append(str(p))
    answers = iter(passphrases)
    monkeypatch.setattr(vote_dispute_links.Command, "passphrase", lambda self, path: next(answers))
    from io import StringIO

    out = StringIO()
    args = [str(vote.pk), "--entry", str(entry)]
    for p in paths:
        args += ["--key", p]
    call_command("vote_dispute_links", *args, stdout=out)
    return out.getvalue()


def test_k_trustees_open_the_links_for_a_dispute_then_they_are_erased(
    counted, tmp_path, monkeypatch
):
    vote, files = counted["vote"], counted["files"]
    pa, pb, pc = counted["parties"]
    out = _command(vote, 1, [files[2], files[3]], PASSPHRASES[1:], tmp_path, monkeypatch)
    assert f"entry 1: party {pb.pk}" in out  # the paper ballot was B's
    opened = AuditEvent.objects.get(action="voting.dispute_links_opened", object_id=str(vote.pk))
    assert opened.details == {"entry": 1}  # the entry, never the party
    with pytest.raises(CommandError, match="2"):  # one trustee alone opens nothing
        _command(vote, 1, [files[1]], PASSPHRASES[:1], tmp_path, monkeypatch)
    with pytest.raises(CommandError):  # a wrong passphrase
        _command(
            vote,
            1,
            [files[1], files[2]],
            ["wrong-passphrase!", PASSPHRASES[1]],
            tmp_path,
            monkeypatch,
        )

    # Not before the objection period ends; then the hourly task erases them.
    assert tasks.erase_dispute_links(now=vote.counted_at) == 0
    services.vote_publicise(vote=vote, now=vote.counted_at, notify=False)
    vote.refresh_from_db()
    services.vote_finalise(vote=vote, now=vote.publicity_ends_at)
    assert tasks.erase_dispute_links(now=vote.publicity_ends_at) == 1
    vote.refresh_from_db()
    assert vote.dispute_links_sealed is None and vote.dispute_links_erased_at is not None
    assert not vote.trustees.filter(sealed_link_share__isnull=False).exists()
    assert AuditEvent.objects.filter(action="voting.dispute_links_erased").count() == 1
    with pytest.raises(CommandError):
        _command(vote, 1, [files[2], files[3]], PASSPHRASES[1:], tmp_path, monkeypatch)


def test_the_erasing_is_a_declared_schedule():
    from portal.core.schedules import schedule_named

    s = schedule_named("voting.erase_dispute_links")
    assert s.func == "voting.tasks.erase_dispute_links"


def test_a_vote_without_trustees_keeps_its_links_under_the_board_key(setup):
    """Paper only, no trustees: links cut at the count all the same; the list is wrapped
    under the board key (docs: whoever holds the server can open it until it is erased)."""
    from tests.voting.factories import open_vote

    vote = open_vote(setup["estate"], channels=["paper"])
    assert not vote.has_trustees
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    services.vote_count(vote=vote, now=later, queue_export=False)
    vote.refresh_from_db()
    assert vote.links_cut_at and vote.dispute_links_key_wrapped is not None
    assert services.dispute_links_open(vote=vote, entry_n=0) is None  # no entry 0: no ballot


# --- trustees required, refused count, pages ----------------------------------------------------


def test_online_ballots_need_trustees_to_be_scheduled(setup, settings):
    settings.GONGZHI = {**settings.GONGZHI, "VOTE_ONLINE_NEEDS_TRUSTEES": True}
    vote = draft_vote(setup["estate"], actor=setup["committee"])  # drafts are saved without
    with translation.override("zh-hans"), pytest.raises(services.VoteError) as exc:
        services.vote_schedule(actor=None, vote=vote, now=vote.opens_at - timedelta(days=8))
    assert exc.value.code == "needs_trustees"
    assert "监票" in str(exc.value.messages[0]) or "受托" in str(exc.value.messages[0])
    vote.refresh_from_db()
    assert vote.status == VoteStatus.DRAFT
    paper = draft_vote(setup["estate"], actor=setup["committee"], channels=["paper"])
    services.vote_schedule(actor=None, vote=paper, now=paper.opens_at - timedelta(days=8))
    with_trustees, _files = _draft_with_trustees(setup)
    services.vote_schedule(
        actor=None, vote=with_trustees, now=with_trustees.opens_at - timedelta(days=8)
    )


def test_a_count_refused_inside_an_opening_keeps_the_share_and_the_refusal(setup):
    vote, files = _draft_with_trustees(setup)
    _open(vote)
    estate = setup["estate"]
    for label, user in (("A", setup["owner_a"]), ("B", setup["owner_b"])):
        services.ballot_cast(
            actor=user, vote=vote, party=party(estate, label), choice="agree", now=vote.opens_at
        )
    services.vote_close(vote=vote, now=vote.closes_at)
    row = Ballot.objects.get(vote=vote, party__label="B")
    good = bytes(row.sealed_choice)
    Ballot.objects.filter(pk=row.pk).update(sealed_choice=good[:-1] + bytes([good[-1] ^ 1]))
    trustee_services.trustee_open(
        actor=_trustee(vote, 1).user,
        trustee=_trustee(vote, 1),
        key_file=files[1],
        passphrase=PASSPHRASES[0],
    )
    with pytest.raises(services.VoteError) as exc:
        trustee_services.trustee_open(
            actor=_trustee(vote, 2).user,
            trustee=_trustee(vote, 2),
            key_file=files[2],
            passphrase=PASSPHRASES[1],
        )
    assert exc.value.code == "board_mismatch"
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED
    assert _trustee(vote, 2).opened_share is not None and _trustee(vote, 2).acted_at
    assert (
        AuditEvent.objects.filter(action="voting.count_refused", object_id=str(vote.pk)).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="voting.trustee_opened").count() == 2
    assert not AuditEvent.objects.filter(action="voting.trustee_refused").exists()
    # The cause found and mended, the worker counts without asking the trustees again.
    Ballot.objects.filter(pk=row.pk).update(sealed_choice=good)
    assert list(trustee_services.trustees_recount_due()) == [vote]
    moved = tasks.advance_votes(now=vote.closes_at + timedelta(minutes=5))
    assert moved["counted"] == 1
    vote.refresh_from_db()
    assert vote.status in (VoteStatus.COUNTED, VoteStatus.PUBLICISED)
    assert not vote.trustees.filter(opened_share__isnull=False).exists()


def test_board_page_shows_the_trustees_and_who_opened(client, counted):
    vote = counted["vote"]
    page = client.get(reverse("voting:board", args=[vote.pk])).content.decode()
    assert "2 of 3 trustees" in page or "3 位受托人中需 2 位" in page
    for t in vote.board_trustees["trustees"]["list"]:
        assert t["name"] in page
    assert page.count('<span class="badge ok">') >= 2  # two trustees opened
    fingerprint = board.public_trustees(vote)["rows"][0]["fingerprint"]
    assert fingerprint in page


def test_my_vote_after_the_count_points_to_the_receipt(client, setup, counted):
    vote = counted["vote"]
    client.force_login(setup["owner_a"])
    with translation.override("en"):
        page = client.get(
            reverse("voting:my_vote", args=[vote.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    receipts = BoardEntry.objects.filter(vote=vote).values_list("receipt", flat=True)
    assert not [r for r in receipts if r in page]
    assert reverse("voting:receipt") in page
    detail = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert not [r for r in receipts if r in detail]


def test_a_dispute_after_the_count_is_refused_clearly(setup, counted):
    vote = counted["vote"]
    entry = BoardEntry.objects.get(vote=vote, channel="paper")
    with pytest.raises(services.VoteError) as exc:
        services.ballot_dispute_file(
            actor=setup["owner_b"],
            vote=vote,
            entry=entry,
            party=party(setup["estate"], "B"),
            statement="不是我投的",
        )
    assert exc.value.code == "links_cut"
    assert not BallotDispute.objects.exists()
