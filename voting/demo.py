"""Demo data, layer 3: votes in every state across the demo estates, with real sealed ballots.

Everything goes through ``voting.services`` with times in the past where needed, so the
bulletin boards, receipts and results are real:

- 滨江花园 (binjiang): an OPEN vote (matter 4), its key held by three trustees, with about 45%
  turnout so far (online, paper and proxy ballots) where the demo owners owner1..3.binjiang
  have NOT voted yet, its notice
  delivered on every channel with some parties not reached (``demo_delivery``), and one
  round of reminders sent by hand; a FINAL passed
  vote (matter 5); a DRAFT; a SCHEDULED vote; a FINAL passed vote (matter 9) spending shared
  revenue on the playground, which the revenue ledger's expense cites (``REVENUE_VOTE_TITLE``).
- 范罗山小区 (fanluoshan-xq): a PUBLICISED vote that failed on area (heads agree, area does not),
  objection period running, with one open objection for the street office to rule on; a
  CANCELLED vote.
- 赭山新村 (zheshan-xc): a FINAL vote invalid for low participation (about half took part).
- 鸠兹佳苑 (jiuzi): a FINAL special-matter vote (matter 7, 3/4 rule) that passed; a CLOSED vote
  the worker counts on its next run.
- 滨江花园 again (``_trustee_vote``): a CLOSED vote whose key its trustees hold (issue 18),
  waiting for 2 of its 3 trustees (committee.binjiang, fanluoshan.officer, owner1.binjiang) to
  open its count; their key files are written under ``var/demo-trustee-keys/`` and the
  passphrase is ``DEMO_TRUSTEE_PASSPHRASE`` (printed by ``load_demo_data``).

Idempotent: an estate that already has votes is left alone. Deterministic (seeded).
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from portal.accounts.models import User
from portal.core import demo as core_demo
from property.registry.demo import journey_party_ids
from property.registry.models import Estate, OwnerParty, Person

from . import board, reminder_services, services, trustee_services
from .demo_delivery import deliver_notice
from .models import Channel, Vote, VoteElector

# A 1x1 PNG: stands in for a scanned paper ballot or a signed authorization.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _committee_user(estate: Estate):

    return User.objects.filter(email=core_demo.email(f"committee.{estate.code}")).first()


def _electors(vote: Vote) -> list[tuple[OwnerParty, int]]:
    return [
        (e.party, e.area_centi)
        for e in VoteElector.objects.filter(vote=vote).select_related("party").order_by("pk")
    ]


def _make(estate, *, title, matter, motion, opens_at, closes_at, allow_change=True, actor=None):
    return services.vote_create(
        actor=actor,
        estate=estate,
        title=title,
        matter=matter,
        motion=motion,
        opens_at=opens_at,
        closes_at=closes_at,
        allow_change=allow_change,
    )


def _open(vote: Vote, actor) -> Vote:
    """Schedule and open a demo vote. The demo's past votes are shown as held before trustees
    were required (their key held by the server, ``VOTE_ONLINE_NEEDS_TRUSTEES`` off for them);
    the open vote, the closed vote waiting for its trustees and the scheduled ones have
    trustees."""
    if vote.has_trustees:
        services.vote_schedule(actor=actor, vote=vote, now=vote.opens_at - timedelta(days=8))
    else:
        with override_settings(GONGZHI={**settings.GONGZHI, "VOTE_ONLINE_NEEDS_TRUSTEES": False}):
            services.vote_schedule(actor=actor, vote=vote, now=vote.opens_at - timedelta(days=8))
    return services.vote_open(vote=vote, now=vote.opens_at, notify=False)


def _give_trustees(vote: Vote, committee, *, k: int = 2) -> bool:
    """Name the estate's committee member, the street officer over it and, where there is one,
    the demo owner as trustees of a draft ``vote``; each makes their key under the demo
    passphrase, written under ``trustee_key_dir()``. False if the estate lacks them."""

    eligible = trustee_services.eligible_trustees(vote)
    named = [(committee, "committee")] if committee is not None else []
    street = eligible["street"].order_by("pk").first()
    if street is not None:
        named.append((street, "street"))
    owner = eligible["scrutineer"].filter(email=core_demo.email("owner1.binjiang")).first()
    if owner is not None:
        named.append((owner, "scrutineer"))
    if len(named) < k:
        return False
    trustee_services.trustees_name(actor=committee, vote=vote, k=k, named=named)
    folder = trustee_key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for t in vote.trustees.order_by("number"):
        key_file = trustee_services.trustee_make_key(
            actor=t.user,
            trustee=t,
            passphrase=DEMO_TRUSTEE_PASSPHRASE,
            now=min(timezone.now(), vote.opens_at - timedelta(days=9)),
        )
        local = t.user.email.split("@", 1)[0]
        (folder / f"vote-{vote.pk}-trustee-{t.number}-{local}.key.json").write_bytes(key_file)
    return True


def _cast_all(
    vote: Vote, plan: list[tuple[OwnerParty, str]], actor, rng, *, paper_every: int = 0
) -> None:
    """Cast ``plan`` spread over the first part of the open period, online, except every
    ``paper_every``-th ballot, which the committee enters from paper (with its scan)."""
    start = vote.opens_at + timedelta(minutes=5)
    span = max((min(vote.closes_at, timezone.now()) - start).total_seconds() * 0.8, 60)
    step = span / max(len(plan), 1)
    committee = _committee_user(vote.estate) if paper_every else None
    for i, (party, choice) in enumerate(plan):
        at = start + timedelta(seconds=i * step + rng.random())
        if paper_every and i % paper_every == paper_every - 1:
            services.ballot_cast(
                actor=committee,
                vote=vote,
                party=party,
                choice=choice,
                channel=Channel.PAPER,
                scan=ContentFile(PNG, name=f"paper-{vote.pk}-{i}.png"),
                now=at,
            )
            continue
        services.ballot_cast(actor=actor, vote=vote, party=party, choice=choice, now=at)


def _finish(vote: Vote, *, final: bool, publicised_days_ago: int | None = None) -> None:
    at = vote.closes_at + timedelta(minutes=1)
    services.vote_close(vote=vote, now=at)
    services.vote_count(vote=vote, now=at)
    services.vote_publicise(vote=vote, now=at, notify=False)
    if final:
        services.vote_finalise(vote=vote, now=vote.publicity_ends_at + timedelta(minutes=1))


def _owner_user(estate: Estate):
    """The first demo owner account of the estate (owner1.<code>), or None."""

    return (
        User.objects.filter(
            person__parties__estate=estate, person__parties__ownerships__end__isnull=True
        )
        .order_by("email")
        .first()
    )


def _demo_owner_party_ids(estate: Estate) -> set[int]:
    """Parties of demo owner accounts and the registry's journey owner: the demo casts no
    ballot for them, so that they can vote themselves."""

    return journey_party_ids() | set(
        OwnerParty.objects.filter(estate=estate, members__user__isnull=False).values_list(
            "pk", flat=True
        )
    )


def _binjiang(estate: Estate, rng: random.Random) -> None:
    committee = _committee_user(estate)
    now = timezone.now()
    skip = _demo_owner_party_ids(estate)
    # A final, passed vote on using the fund (matter 5).
    v = _make(
        estate,
        title="使用维修资金更换3号楼电梯",
        matter=5,
        motion="拟使用住宅专项维修资金约48万元，更换3号楼两部运行超过15年的电梯。",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=45),
        actor=committee,
    )
    _open(v, committee)
    parties = [p for p, _ in _electors(v) if p.pk not in skip]
    rng.shuffle(parties)
    voters = parties[: int(len(parties) * 0.82)]
    plan = [
        (p, "agree" if rng.random() < 0.78 else rng.choice(["oppose", "abstain"])) for p in voters
    ]
    # One ballot in eight came on paper (older owners), entered by the committee.
    _cast_all(v, plan, None, rng, paper_every=8)
    _finish(v, final=True)

    # The OPEN vote the demo owners can cast in (matter 4).
    v = _make(
        estate,
        title="更换小区物业服务企业",
        matter=4,
        motion=(
            "业主委员会提议：现物业服务合同到期后不再续聘，公开选聘新的物业服务企业。\n"
            "请业主在表决期内选择同意、反对或弃权。"
        ),
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=11),
        actor=committee,
    )
    services.attachment_add(
        actor=committee, vote=v, file=ContentFile(PNG, name="选聘方案.png"), title="选聘方案"
    )
    # Held as the portal holds votes now: its key split among three trustees, so its page and
    # its board show them, and no one on the server can open a choice before the count.
    _give_trustees(v, committee)
    _open(v, committee)
    parties = [p for p, _ in _electors(v) if p.pk not in skip]
    rng.shuffle(parties)
    voters = parties[: int(len(parties) * 0.45)]
    paper, rest = voters[:15], voters[15:]
    # A proxy is given by an owner who is a person: never a developer's party without members.
    proxy = [p for p in rest if p.members.exists()][:2]
    online = [p for p in rest if p not in proxy]
    _cast_all(
        v, [(p, rng.choice(["agree", "agree", "oppose", "abstain"])) for p in online], None, rng
    )
    for i, p in enumerate(paper):
        services.ballot_cast(
            actor=committee,
            vote=v,
            party=p,
            choice=rng.choice(["agree", "oppose"]),
            channel=Channel.PAPER,
            scan=ContentFile(PNG, name=f"paper-{i + 1}.png"),
        )
    for i, p in enumerate(proxy):
        owner = core_demo.ensure_user(f"proxy-owner{i + 1}.{estate.code}", f"委托人{i + 1}")
        # The authorization is the owner's: their account is the party's (a verified owner).
        Person.objects.filter(pk=p.members.order_by("pk").first().pk, user=None).update(user=owner)
        proxy_user = core_demo.ensure_user(f"proxy{i + 1}.{estate.code}", f"受托人{i + 1}")
        auth = services.proxy_request(
            actor=owner,
            vote=v,
            party=p,
            proxy_user=proxy_user,
            document=ContentFile(PNG, name="authorization.png"),
        )
        services.proxy_decide(actor=committee, authorization=auth, approve=True)
        services.ballot_cast(actor=proxy_user, vote=v, party=p, choice="agree", channel="proxy")
    # The notice's delivery on every channel, some parties not reached (voting/demo_delivery.py).
    deliver_notice(v, committee, PNG, rng)
    # The committee sent one round of reminders by hand yesterday (the scheduled rounds,
    # halfway and before close, are still to come).
    reminder_services.reminder_send_manual(actor=committee, vote=v, now=now - timedelta(days=1))

    # A draft and a scheduled vote.
    _make(
        estate,
        title="修订管理规约（征求意见稿）",
        matter=2,
        motion="修订管理规约第十二条关于电动车停放的规定。",
        opens_at=now + timedelta(days=20),
        closes_at=now + timedelta(days=35),
        actor=committee,
    )
    # Not a matter-3 vote: one scheduled would bar the committee (and the company) from deciding
    # the estate's pending claims (DOMAIN.md §1 "Conflicts of interest"), leaving them to the
    # street office; the open vote on replacing the company already bars the company.
    v = _make(
        estate,
        title="修订业主大会议事规则",
        matter=1,
        motion="修订议事规则第八条：业主大会会议可以采用电子投票方式召开，与书面投票具有同等效力。",
        opens_at=now + timedelta(days=9),
        closes_at=now + timedelta(days=24),
        actor=committee,
    )
    _give_trustees(v, committee)
    services.vote_schedule(actor=committee, vote=v)
    _revenue_vote(estate, committee, skip)


# The title the shared revenue's demo looks for (property/revenue/demo.py books the expense).
REVENUE_VOTE_TITLE = "使用公共收益维修儿童游乐场"


def _revenue_vote(estate: Estate, committee, skip: set[int]) -> None:
    """A FINAL, passed vote (matter 9, held before trustees were required) spending shared
    revenue on the playground's repair; the shared revenue ledger books the expense citing it.
    Its own seed, so the other votes' ballots stay as they were."""
    rng = random.Random(3000)
    now = timezone.now()
    v = _make(
        estate,
        title=REVENUE_VOTE_TITLE,
        matter=9,
        motion=(
            "拟从小区公共收益中支出不超过3.9万元，更换儿童游乐场破损的塑胶地垫和两组滑梯，"
            "由物业服务企业组织施工，凭发票在公共收益台账中列支。"
        ),
        opens_at=now - timedelta(days=100),
        closes_at=now - timedelta(days=85),
        actor=committee,
    )
    _open(v, committee)
    parties = [p for p, _ in _electors(v) if p.pk not in skip]
    rng.shuffle(parties)
    plan = [
        (p, "agree" if rng.random() < 0.8 else rng.choice(["oppose", "abstain"]))
        for p in parties[: int(len(parties) * 0.76)]
    ]
    _cast_all(v, plan, None, rng)
    _finish(v, final=True)


def _fanluoshan(estate: Estate, rng: random.Random) -> None:
    committee = _committee_user(estate)
    now = timezone.now()
    v = _make(
        estate,
        title="地面停车位改建为充电车位",
        matter=9,
        motion="将东区地面停车位中的40个改建为新能源汽车充电车位。",
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=2),
        actor=committee,
    )
    _open(v, committee)
    electors = _electors(v)
    # Failed on area: the smallest parties agree (more than half the heads), the large ones do
    # not (so the agreeing area stays at or under half of the participating area).
    electors.sort(key=lambda pa: pa[1])
    voters = electors[: int(len(electors) * 0.9)]
    half = len(voters) // 2 + 1
    agree_n = half + max(1, len(voters) // 20)
    plan = [(p, "agree" if i < agree_n else "oppose") for i, (p, _) in enumerate(voters)]
    rng.shuffle(plan)
    _cast_all(v, plan, None, rng)
    at = v.closes_at + timedelta(minutes=1)
    services.vote_close(vote=v, now=at)
    services.vote_count(vote=v, now=at)
    services.vote_publicise(vote=v, now=at, notify=False)
    # One open objection, so that the street office has something to rule on.
    objector = _owner_user(estate)
    if objector is not None:
        services.objection_file(
            actor=objector,
            vote=v,
            text="部分纸质表决票送达时间晚于通知期限，东区车主未及时收到，请核实后再确认结果。",
            now=at + timedelta(hours=20),
        )
    v = _make(
        estate,
        title="外墙粉刷（已撤回）",
        matter=9,
        motion="外墙整体粉刷。",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=20),
        actor=committee,
    )
    _give_trustees(v, committee)
    services.vote_schedule(actor=committee, vote=v)
    services.vote_cancel(actor=committee, vote=v, reason="方案需重新询价，撤回后另行通知。")


def _zheshan(estate: Estate, rng: random.Random) -> None:
    committee = _committee_user(estate)
    now = timezone.now()
    v = _make(
        estate,
        title="制定业主大会议事规则",
        matter=1,
        motion="通过《赭山新村业主大会议事规则》。",
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=25),
        actor=committee,
    )
    _open(v, committee)
    parties = [p for p, _ in _electors(v)]
    rng.shuffle(parties)
    plan = [(p, "agree") for p in parties[: len(parties) // 2]]
    _cast_all(v, plan, None, rng)
    _finish(v, final=True)


def _jiuzi(estate: Estate, rng: random.Random) -> None:
    committee = _committee_user(estate)
    now = timezone.now()
    v = _make(
        estate,
        title="加装1号楼电梯（改建共有部分）",
        matter=7,
        motion="在1号楼各单元加装电梯，占用部分共有绿地。",
        opens_at=now - timedelta(days=50),
        closes_at=now - timedelta(days=30),
        actor=committee,
    )
    _open(v, committee)
    parties = [p for p, _ in _electors(v)]
    rng.shuffle(parties)
    voters = parties[: int(len(parties) * 0.9)]
    plan = [(p, "agree" if i % 10 < 8 else "oppose") for i, p in enumerate(voters)]
    _cast_all(v, plan, None, rng, paper_every=5)
    _finish(v, final=True)
    v = _make(
        estate,
        title="续聘物业服务企业",
        matter=4,
        motion="续聘现物业服务企业三年。",
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(hours=1),
        actor=committee,
    )
    _open(v, committee)
    parties = [p for p, _ in _electors(v)]
    rng.shuffle(parties)
    _cast_all(v, [(p, "agree") for p in parties[: int(len(parties) * 0.7)]], None, rng)
    services.vote_close(vote=v, now=v.closes_at + timedelta(seconds=1))


DEMO_TRUSTEE_PASSPHRASE = "Gongzhi@2026-trustee"  # noqa: S105 - demo data, printed


def trustee_key_dir():
    """Beside the private media (``var/demo-trustee-keys`` in development), never in
    ``BOARD_KEY_DIR``: a trustee's file is theirs, not the server's."""

    return Path(settings.PRIVATE_MEDIA_ROOT).parent / "demo-trustee-keys"


def _trustee_vote(estate: Estate, rng: random.Random) -> Vote | None:
    """A closed vote of 滨江花园 whose count waits for its trustees (see the module docstring)."""

    committee = _committee_user(estate)
    street = User.objects.filter(email=core_demo.email("fanluoshan.officer")).first()
    owner = User.objects.filter(email=core_demo.email("owner1.binjiang")).first()
    if not (committee and street and owner):
        return None
    now = timezone.now()
    v = _make(
        estate,
        title="增设非机动车充电棚",
        matter=8,
        motion="在2号楼与3号楼之间的共有绿地旁增设非机动车充电棚，由物业公司运营。",
        opens_at=now - timedelta(days=12),
        closes_at=now - timedelta(hours=2),
        actor=committee,
    )
    named = [(committee, "committee"), (street, "street"), (owner, "scrutineer")]
    trustee_services.trustees_name(actor=committee, vote=v, k=2, named=named)
    folder = trustee_key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for t in v.trustees.order_by("number"):
        key_file = trustee_services.trustee_make_key(
            actor=t.user,
            trustee=t,
            passphrase=DEMO_TRUSTEE_PASSPHRASE,
            now=v.opens_at - timedelta(days=9),
        )
        local = t.user.email.split("@", 1)[0]
        (folder / f"vote-{v.pk}-trustee-{t.number}-{local}.key.json").write_bytes(key_file)
    _open(v, committee)
    skip = _demo_owner_party_ids(estate)
    parties = [p for p, _ in _electors(v) if p.pk not in skip]
    rng.shuffle(parties)
    plan = [(p, "agree" if i % 4 else "oppose") for i, p in enumerate(parties[: len(parties) // 2])]
    _cast_all(v, plan, None, rng)
    services.vote_close(vote=v, now=v.closes_at + timedelta(seconds=1))
    return v


BUILDERS = {
    "binjiang": _binjiang,
    "fanluoshan-xq": _fanluoshan,
    "zheshan-xc": _zheshan,
    "jiuzi": _jiuzi,
}


def load(stdout=None) -> None:
    trustee_vote = None
    for n, (code, builder) in enumerate(BUILDERS.items()):
        estate = Estate.objects.filter(code=code).first()
        if estate is None or Vote.objects.filter(estate=estate).exists():
            continue
        builder(estate, random.Random(1000 + n))
        if code == "binjiang":
            trustee_vote = _trustee_vote(estate, random.Random(2000))
    board.sign_tree_heads()
    if stdout:
        stdout.write(f"  voting: {Vote.objects.count()} votes")
        if trustee_vote is not None:
            stdout.write(
                f"  voting: the closed vote “{trustee_vote.title}” waits for 2 of its 3 "
                f"trustees; their key files are in {trustee_key_dir()}, passphrase "
                f"{DEMO_TRUSTEE_PASSPHRASE}"
            )
