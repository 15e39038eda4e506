"""City generator, layer 3: owners' votes with real sealed ballots on real bulletin boards.

Estates with an owners' committee hold about one vote every two years (``VOTES_PER_YEAR``);
the first estate (``e00001``) also has a vote OPEN today with about 40% turnout, in which
the ``owner`` account has not voted yet. Matters, turnout (45-90% of the parties: some votes
are invalid for low participation) and the share that agrees are drawn per vote.

Every step but the casting goes through ``voting.services`` with the generated dates:
create, schedule, open (which freezes the electorate and makes the vote's keys), close (which
signs the closing tree head), count (which opens every sealed ballot
with the vote's private key and decides with ``voting.tally``), publicise and finalise. The
ballots themselves are bulk-loaded (COPY) in exactly the form ``services.ballot_cast`` writes
them: the choice sealed with ``voting.board_format.seal_for_entry``, the entry made by
``make_entry``, hashed by ``entry_hash``, its receipt code; paper ballots entered by the
owners' committee (most owners have no account) and the known owner's online. So every
counted vote's export verifies with ``python -m voting.verify``. The export file itself is
written by the worker's every-minute catch-up (``voting.board.publish_missing_exports``),
not here: the count's queued job is skipped while generating.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import override_settings
from psycopg.types.json import Jsonb

from portal.accounts.models import User
from portal.core import demo as core_demo
from portal.core.city import Buffer, CityContext, aware, days_between
from portal.core.uploads import private_storage
from property.registry.models import Estate, OwnerParty

from . import board, commitments, services
from .board_format import (
    COMMITTED_FORMATS,
    entry_hash,
    make_entry,
    seal_for_entry,
)
from .demo import PNG
from .models import Ballot, BoardCounter, BoardEntry, PaperBallot, Vote, VoteElector
from .sealing import receipt_code

VOTES_PER_YEAR = 0.5
SCAN_NAME = "votes/paper/city-generated-scan.png"

# matter -> (weight, [(title, motion)])
MATTERS = {
    1: (1, [("修订业主大会议事规则", "修订议事规则，明确电子投票与书面投票具有同等效力。")]),
    2: (1, [("修订管理规约", "修订管理规约中关于电动车停放和装修管理的规定。")]),
    3: (3, [("业主委员会换届选举", "选举第二届业主委员会委员五名。")]),
    4: (3, [("续聘物业服务企业", "物业服务合同到期后续聘现物业服务企业三年。")]),
    5: (3, [("使用维修资金维修屋面防水", "使用住宅专项维修资金维修各楼屋面防水层。")]),
    6: (1, [("续筹住宅专项维修资金", "按每平方米30元续筹住宅专项维修资金。")]),
    7: (1, [("加装电梯", "在多层住宅各单元加装电梯，占用部分共有绿地。")]),
    8: (1, [("共有场地设置充电车位", "将部分地面停车位改建为新能源汽车充电车位。")]),
    9: (1, [("小区大门改造", "改造小区东门并加装人脸识别门禁。")]),
}

#: Electorates from this size have their area commitments made by the pool (for fewer, sending
#: them to the pool costs about what it saves).
POOL_FROM = 200


class _CommitPool:
    """``vote_open``'s ``commit_all`` for the generator: each vote's area commitments (board
    format 6) made on all the machine's cores, ``commitments.commit_all`` on a part of the
    electorate in each. At 1.3 million units there are some two million commitments of 0.14 ms
    each, pure Python CPU while PostgreSQL idles (issue 21). The workers are forked once and
    never touch the database (they inherit its connection and leave it alone: a pool's worker
    ends with ``os._exit``)."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None

    def __call__(self, pairs: list[tuple[int, int]]) -> list[bytes]:
        if self.workers < 2 or len(pairs) < POOL_FROM:
            return commitments.commit_all(pairs)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork")
            )
        size = -(-len(pairs) // self.workers)
        parts = [pairs[i : i + size] for i in range(0, len(pairs), size)]
        return [c for part in self.pool.map(commitments.commit_all, parts) for c in part]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None


class _Writers:
    def __init__(self, ctx: CityContext):
        self.ctx = ctx
        self.entries = Buffer(
            ctx,
            BoardEntry,
            ["id", "vote_id", "n", "entry", "entry_hash", "receipt", "channel", "voter_id", "time"],
        )
        self.ballots = Buffer(
            ctx,
            Ballot,
            # No "id": the ballots take their keys from the table's sequence, which the count
            # uses too when it rewrites them in party order (services._cut_links).
            [
                "vote_id",
                "party_id",
                "pseudonym",
                "area_centi",
                "channel",
                "sealed_choice",
                "entry_id",
                "cast_by_id",
                "cast_at",
                "changes",
                "after_transfer",
            ],
        )
        self.papers = Buffer(
            ctx, PaperBallot, ["id", "vote_id", "entry_id", "scan", "entered_by_id", "entered_at"]
        )
        self.commit_all = _CommitPool()

    def flush(self) -> None:
        for b in (self.entries, self.ballots, self.papers):
            b.flush()


def _schedule_without_trustees(committee, vote, opens) -> None:
    """A generated city's votes are load-test data with a server-held key, as before trustees
    were required (``VOTE_ONLINE_NEEDS_TRUSTEES`` off for them only)."""
    with override_settings(GONGZHI={**settings.GONGZHI, "VOTE_ONLINE_NEEDS_TRUSTEES": False}):
        services.vote_schedule(actor=committee, vote=vote, now=opens - timedelta(days=10))


def _cast(
    ctx,
    out: _Writers,
    vote: Vote,
    rng,
    *,
    turnout: float,
    agree: float,
    until,
    committee,
    owner_party,
):
    """Seal and load the ballots of ``turnout`` of the electorate, cast between the opening
    and ``until``; returns the number cast. Afterwards the board counter says where the next
    entry goes, as ``ballot_cast`` would leave it."""

    electors = list(
        VoteElector.objects.filter(vote=vote)
        .order_by("party_id")
        .values_list("party_id", "pseudonym", "area_centi")
    )
    # In party order (keys counted by the generator), not the pseudonyms' (which depend on the
    # vote's database id): one seed gives every party the same choice.
    voters = [e for e in electors if rng.random() < turnout]
    if owner_party is not None:
        voters = [e for e in voters if e[0] != owner_party]  # the owner still has to vote
    if not voters:
        return 0
    start = vote.opens_at + timedelta(minutes=5)
    span = int((until - start).total_seconds())
    times = sorted(start + timedelta(seconds=rng.randint(0, max(span, 1))) for _ in voters)
    public = bytes(vote.public_key)
    vid = vote.board_id
    entry_ids = ctx.ids(BoardEntry, len(voters))
    paper_ids = ctx.ids(PaperBallot, len(voters))
    for n, ((party_id, pseudonym, area), t) in enumerate(zip(voters, times, strict=True)):
        r = rng.random()
        choice = (
            "agree" if r < agree else ("oppose" if r < agree + (1 - agree) * 0.7 else "abstain")
        )
        sealed = seal_for_entry(choice, public, vid, pseudonym)
        channel = "paper"
        entry = make_entry(
            n=n,
            pseudonym=pseudonym,
            area=None if vote.export_format in COMMITTED_FORMATS else area,
            sealed_choice=sealed,
            channel=channel,
            time=services.board_time(t),
        )
        digest = entry_hash(entry)
        eid = entry_ids[n]
        out.entries.add(
            (eid, vote.pk, n, Jsonb(entry), digest.hex(), receipt_code(digest), channel, None, t)
        )
        out.ballots.add(
            (
                vote.pk,
                party_id,
                pseudonym,
                area,
                channel,
                sealed,
                eid,
                committee.pk,
                t,
                0,
                False,
            )
        )
        out.papers.add((paper_ids[n], vote.pk, eid, SCAN_NAME, committee.pk, t))
    out.flush()
    BoardCounter.objects.filter(vote=vote).update(next_n=len(voters), last_time=times[-1])
    return len(voters)


def _matter(rng) -> tuple[int, str, str]:
    matters = list(MATTERS)
    matter = rng.choices(matters, [MATTERS[m][0] for m in matters])[0]
    title, motion = rng.choice(MATTERS[matter][1])
    return matter, title, motion


def _counted_vote(ctx, out, estate, committee, rng, opens_on) -> Vote:
    matter, title, motion = _matter(rng)
    opens = aware(opens_on, 9)
    closes = opens + timedelta(days=rng.choice((14, 21, 30)))
    vote = services.vote_create(
        actor=committee,
        estate=estate,
        title=f"{title}（{opens_on.year}）",
        matter=matter,
        motion=motion,
        opens_at=opens,
        closes_at=closes,
    )
    _schedule_without_trustees(committee, vote, opens)
    services.vote_open(
        vote=vote, now=opens, notify=False, bulk_load=ctx.copy, commit_all=out.commit_all
    )
    _cast(
        ctx,
        out,
        vote,
        rng,
        turnout=rng.uniform(0.45, 0.9),
        agree=rng.uniform(0.4, 0.9),
        until=closes - timedelta(hours=1),
        committee=committee,
        owner_party=None,
    )
    services.vote_close(vote=vote, now=closes + timedelta(minutes=1))
    services.vote_count(
        vote=vote, now=closes + timedelta(minutes=3), queue_export=False, bulk_load=ctx.copy
    )
    services.vote_publicise(vote=vote, now=closes + timedelta(hours=2), notify=False)
    if vote.publicity_ends_at < aware(ctx.today, 0):
        services.vote_finalise(vote=vote, now=vote.publicity_ends_at + timedelta(minutes=1))
    Vote.objects.filter(pk=vote.pk).update(created_at=opens - timedelta(days=12))
    return vote


def _open_vote(ctx, out, estate, committee, rng) -> Vote:
    opens = aware(ctx.today - timedelta(days=3), 9)
    vote = services.vote_create(
        actor=committee,
        estate=estate,
        title="更换小区物业服务企业",
        matter=4,
        motion="物业服务合同到期后不再续聘，公开选聘新的物业服务企业。",
        opens_at=opens,
        closes_at=opens + timedelta(days=14),
    )
    _schedule_without_trustees(committee, vote, opens)
    services.vote_open(
        vote=vote, now=opens, notify=False, bulk_load=ctx.copy, commit_all=out.commit_all
    )
    owner_party = (
        OwnerParty.objects.filter(estate=estate, members__user__email=core_demo.email("owner"))
        .values_list("pk", flat=True)
        .first()
    )
    _cast(
        ctx,
        out,
        vote,
        rng,
        turnout=0.4,
        agree=0.6,
        until=aware(ctx.today, 8),
        committee=committee,
        owner_party=owner_party,
    )
    board.board_head_sign(vote=vote, now=aware(ctx.today, 8, 30))
    Vote.objects.filter(pk=vote.pk).update(created_at=opens - timedelta(days=12))
    return vote


def _analyze() -> None:
    """Statistics of the voting tables as they grow inside the stage's one transaction (the
    autovacuum cannot see its rows): without them, at 1.3 million units, the services' reads
    of a vote's electors and board entries became scans of every vote's rows."""
    with connection.cursor() as cur:
        cur.execute(
            "ANALYZE voting_vote, voting_voteelector, voting_voteelectorunit, voting_boardentry,"
            " voting_ballot, voting_paperballot, voting_treehead, voting_boardcounter"
        )


def build(ctx: CityContext) -> None:
    storage = private_storage()
    if not storage.exists(SCAN_NAME):
        storage.save(SCAN_NAME, ContentFile(PNG))
    committees = dict(
        User.objects.filter(username__startswith="committee.").values_list("username", "pk")
    )
    committees["committee.e00001"] = User.objects.get(username="committee").pk
    estates = list(Estate.objects.filter(code__in=sorted(ctx.committee_estates)).order_by("code"))
    out = _Writers(ctx)
    try:
        _votes(ctx, out, estates, committees)
    finally:
        out.commit_all.close()


def _votes(ctx: CityContext, out: _Writers, estates: list, committees: dict) -> None:
    bar = ctx.progress("votes (estates)", len(estates))
    first_year = ctx.today.year - ctx.years + 1
    for i, estate in enumerate(estates):
        if i in (1, 3, 7, 15, 31) or i % 50 == 49:
            _analyze()
        rng = ctx.rng("votes", estate.code)
        committee = User.objects.get(pk=committees[f"committee.{estate.code}"])
        for year in range(first_year, ctx.today.year + 1):
            if rng.random() >= VOTES_PER_YEAR:
                continue
            last = min(ctx.today - timedelta(days=45), date(year, 12, 31))
            first = date(year, 1, 1)
            if first > last:
                continue
            _counted_vote(ctx, out, estate, committee, rng, days_between(rng, first, last))
        if estate.code == "e00001":
            _open_vote(ctx, out, estate, committee, rng)
        bar.update()
    bar.close()
