"""Permission-matrix entries of voting (/votes/): the demo votes of 滨江花园 by state."""

from tests.security.matrix import (
    COMMITTEE,
    COMPANY,
    GOV,
    OWNER,
    PUBLIC,
    STREET,
    Entry,
)


def _vote(d, *statuses):
    from voting.models import Vote

    vote = Vote.objects.filter(estate=d.estate, status__in=statuses).order_by("pk").first()
    assert vote is not None, f"no demo vote in {statuses} in {d.estate}"
    return vote


def _open(d):
    return _vote(d, "open")


def _with(d, related, *statuses):
    """A vote in one of ``statuses`` that has a ``related`` row, and that row."""
    from voting.models import Vote

    for vote in Vote.objects.filter(estate=d.estate, status__in=statuses).order_by("pk"):
        row = getattr(vote, related).order_by("pk").first()
        if row is not None:
            return vote, row
    raise AssertionError(f"no demo vote with {related} in {statuses}")


def _paper(d):
    vote, paper = _with(d, "paper_ballots", "open", "closed", "counted", "publicised", "final")
    return {"pk": vote.pk, "paper_id": paper.pk}


def _proxy(d):
    vote, proxy = _with(
        d, "proxies", "scheduled", "open", "closed", "counted", "publicised", "final"
    )
    return {"pk": vote.pk, "proxy_id": proxy.pk}


def _attachment(d):
    vote, att = _with(d, "attachments", "open", "scheduled", "publicised", "final", "counted")
    return {"pk": vote.pk, "att_id": att.pk}


def _publicised(d):
    """A vote in its publicity period (objections allowed). The demo has none in 滨江花园 at
    every load time, so a counted vote is put there (the savepoint rolls it back)."""
    from voting.models import Vote

    vote = _vote(d, "publicised", "counted", "final")
    Vote.objects.filter(pk=vote.pk).update(status="publicised")
    return vote


def _objection(d):
    """An open objection to a publicised result of 滨江花园 (the savepoint rolls it back)."""
    from voting.models import Objection

    vote = _publicised(d)
    objection = Objection.objects.create(vote=vote, filed_by=d.user(OWNER), text="计票有误")
    return {"objection_id": objection.pk}


WATCHERS = {OWNER, COMMITTEE, COMPANY, *GOV}
OPEN = {"kwargs": lambda d: {"pk": _open(d).pk}}


def _elector(d):
    from voting.models import VoteElector

    vote = _open(d)
    return {
        "pk": vote.pk,
        "elector_id": VoteElector.objects.filter(vote=vote).order_by("pk").first().pk,
    }


def _paper_for_owner(d):
    """A paper ballot the committee entered for the owner's party in the open vote (the
    test's savepoint rolls it back): the owner may dispute it."""
    from django.core.files.base import ContentFile

    from property.registry.selectors import parties_of_user
    from voting import services

    vote = _open(d)
    party = parties_of_user(d.user(OWNER), d.estate).first()
    entry = services.ballot_cast(
        actor=d.user(COMMITTEE),
        vote=vote,
        party=party,
        choice="agree",
        channel="paper",
        scan=ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="scan.png"),
    )
    return {"pk": vote.pk, "n": entry.n}


def _handover(d):
    from voting.models import NoticeHandover

    vote = _open(d)
    return {"pk": vote.pk, "party_id": NoticeHandover.objects.filter(vote=vote).first().party_id}


def _delivery_file(d):
    from voting.models import NoticePosting

    vote = _open(d)
    return {"pk": vote.pk, "kind": "posted", "file_id": NoticePosting.objects.get(vote=vote).pk}


def _trustee_vote(d):
    """The demo's closed vote of 滨江花园 waiting for its trustees (committee.binjiang,
    fanluoshan.officer, owner1.binjiang)."""
    from voting.models import Vote

    vote = Vote.objects.filter(estate=d.estate, trustee_threshold__isnull=False).first()
    assert vote is not None, f"no demo vote with trustees in {d.estate}"
    return {"pk": vote.pk}


COUNTED = {"kwargs": lambda d: {"pk": _vote(d, "publicised", "final", "counted").pk}}

MATRIX = {
    # The public bulletin board: anyone may read and verify it, and look up a receipt.
    "voting:receipt": Entry(allow=PUBLIC),
    "voting:board": Entry(allow=PUBLIC, **OPEN),
    "voting:board_json": Entry(allow=PUBLIC, **COUNTED),  # exported once counted
    "voting:result_pdf": Entry(allow=PUBLIC, **COUNTED),
    "board_signing_key": Entry(allow=PUBLIC),
    # Paper ballots to print (names masked) for the committee organising the vote.
    "voting:paper_ballots": Entry(allow={COMMITTEE}, **OPEN),
    "voting:ballot_pdf": Entry(allow={COMMITTEE}, kwargs=_elector),
    # Public paths: a visitor's "Owner voting" lands on the index of every estate's votes.
    "voting:list": Entry(allow=PUBLIC),
    "voting:public_index": Entry(allow=PUBLIC),
    "voting:public_estate": Entry(allow=PUBLIC, kwargs=lambda d: {"estate_code": d.estate.code}),
    "voting:edit": Entry(allow={COMMITTEE}, kwargs=lambda d: {"pk": _vote(d, "draft").pk}),
    "voting:paper_search": Entry(allow={COMMITTEE}, **OPEN),
    "voting:create": Entry(allow={COMMITTEE}, kwargs=lambda d: {"estate_code": d.estate.code}),
    "voting:detail": Entry(allow=WATCHERS, **OPEN),
    "voting:attachment": Entry(allow=WATCHERS, kwargs=_attachment),
    "voting:cast": Entry(allow={OWNER}, **OPEN),
    "voting:my_vote": Entry(allow={OWNER}, **OPEN),
    "voting:schedule": Entry(
        allow={COMMITTEE}, method="post", kwargs=lambda d: {"pk": _vote(d, "draft").pk}
    ),
    "voting:extend": Entry(allow={COMMITTEE}, **OPEN),
    "voting:cancel": Entry(
        allow={COMMITTEE}, kwargs=lambda d: {"pk": _vote(d, "draft", "scheduled").pk}
    ),
    "voting:paper": Entry(allow={COMMITTEE}, **OPEN),
    "voting:paper_scan": Entry(allow={COMMITTEE}, kwargs=_paper),
    "voting:proxy_request": Entry(allow={OWNER}, **OPEN),
    "voting:proxies": Entry(allow={COMMITTEE}, **OPEN),
    "voting:proxy_document": Entry(allow={COMMITTEE}, kwargs=_proxy),
    # Disputes of paper and proxy ballots: the owners of the party file; the street office over
    # the estate decides (the committee entered the ballots).
    "voting:ballot_dispute": Entry(allow={OWNER}, kwargs=_paper_for_owner),
    "voting:disputes": Entry(allow={STREET}, **OPEN),
    # The result of a counted vote is public, like its PDF, board and export.
    "voting:result": Entry(allow=PUBLIC, **COUNTED),
    "voting:object": Entry(allow={OWNER}, kwargs=lambda d: {"pk": _publicised(d).pk}),
    # Objections to a result are ruled on by the street office over the estate, or the
    # district or city bureau above it; not by the owners, the committee or the company.
    "voting:objections_to_rule": Entry(allow=GOV),
    "voting:objection_rule": Entry(allow=GOV, kwargs=_objection),
    # Issue 17: the canvass list for the estate's committee and the street office over it;
    # a round of reminders by hand for the organiser.
    "voting:canvass": Entry(allow={COMMITTEE, STREET}, **OPEN),
    "voting:reminder_send": Entry(allow={COMMITTEE}, method="post", **OPEN),
    # The delivery of the notice (送达): the committee records it, the street office over the
    # estate follows it; nobody else.
    "voting:delivery": Entry(allow={COMMITTEE, STREET}, **OPEN),
    "voting:delivery_pdf": Entry(allow={COMMITTEE, STREET}, **OPEN),
    "voting:delivery_file": Entry(allow={COMMITTEE, STREET}, kwargs=_delivery_file),
    "voting:delivery_posting": Entry(allow={COMMITTEE}, **OPEN),
    "voting:delivery_handover": Entry(allow={COMMITTEE}, kwargs=_handover),
    # Trustees of a vote's key: the organiser names them and follows them; only the named
    # trustees (here one of each kind) reach their key and opening pages.
    "voting:trustees": Entry(allow={COMMITTEE}, kwargs=_trustee_vote),
    "voting:trustee_key": Entry(allow={COMMITTEE, STREET, OWNER}, kwargs=_trustee_vote),
    "voting:trustee_open": Entry(allow={COMMITTEE, STREET, OWNER}, kwargs=_trustee_vote),
}
