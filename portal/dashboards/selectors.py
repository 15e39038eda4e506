"""Read-side of the supervision dashboards: a node's indicators and its children's, by path prefix.

Every figure is aggregated in the database over the node's subtree, per estate (``GROUP BY
estate_id``) or by the path prefix of a jurisdiction (``Substr(path, 1, (depth + 1) * steplen)``),
and rolled up to the child node each row falls under (materialised paths, django-treebeard): a
fixed number of queries answers the node and all of its children, never a query per estate.

Sources, one per domain: the registry (estates, units, parties), voting (votes open, counted and
passed, turnout over time), the fund (balances, refill flags, emergency requests), credit (the
rating of the companies managing the estates) and the CMS (notices). The domain apps are only
read (their selectors, their models' querysets); nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Cast, Round, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.templatetags.numbers import format_money
from portal.organisations.models import LEVEL_DEPTH, Jurisdiction, Level
from property.credit import complaint_selectors
from property.registry.models import Estate, OwnerParty, Ownership, Unit
from property.revenue import selectors as revenue_selectors

from . import adoption

ESTATE_DEPTH = LEVEL_DEPTH[Level.ESTATE]
STEP = Jurisdiction.steplen
ZERO = Decimal("0.00")


# ---- indicators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One figure of a dashboard. ``kind``: count, area (m²), money (yuan), percent.

    Additive figures are summed from children to parents; a ratio is computed afterwards from
    the summed figures by ``ratio`` (numerator key, denominator key).
    """

    key: str
    label: str
    kind: str = "count"
    ratio: tuple[str, str] | None = None
    # hidden figures feed a ratio but are not shown, exported or published
    hidden: bool = False
    group: str = "registry"


INDICATORS: list[Indicator] = [
    Indicator("estates", _("Estates")),
    Indicator("managed_estates", _("Estates with a property company")),
    Indicator("units", _("Units")),
    Indicator("area", _("Exclusive-part area (m²)"), "area"),
    Indicator("parties", _("Owner parties")),
    Indicator("verified_parties", _("Parties with a verified owner")),
    Indicator(
        "verified_share",
        _("Owners verified (%)"),
        "percent",
        ratio=("verified_parties", "parties"),
    ),
    Indicator("votes_open", _("Votes open"), group="voting"),
    Indicator("votes_counted", _("Votes counted"), group="voting"),
    Indicator("votes_passed", _("Votes passed"), group="voting"),
    Indicator("turnout_part", "participating area of counted votes (centi-m²)", hidden=True),
    Indicator("turnout_total", "total area of counted votes (centi-m²)", hidden=True),
    Indicator(
        "turnout_area",
        _("Turnout by area in counted votes (%)"),
        "percent",
        ratio=("turnout_part", "turnout_total"),
        group="voting",
    ),
    Indicator("fund_balance", _("Maintenance fund balance (yuan)"), "money", group="fund"),
    Indicator("fund_accounts", _("Unit ledgers"), group="fund"),
    Indicator("refill_due", _("Ledgers due for a refill"), group="fund"),
    Indicator("fund_requests_open", _("Fund requests open"), group="fund"),
    Indicator("emergency_pending", _("Emergency requests awaiting a decision"), group="fund"),
    Indicator("revenue_income", _("Shared revenue income (yuan)"), "money", group="revenue"),
    Indicator(
        "revenue_transfer",
        _("Shared revenue transferred into the fund (yuan)"),
        "money",
        group="revenue",
    ),
    Indicator("revenue_balance", _("Shared revenue balance (yuan)"), "money", group="revenue"),
    Indicator("revenue_late", _("Estates late with their shared revenue entries"), group="revenue"),
    Indicator("companies", _("Property companies"), group="credit"),
    Indicator("companies_blacklisted", _("Companies on the blacklist"), group="credit"),
    Indicator("notices", _("Notices published"), group="notices"),
]

# Figures a source gives for the whole node, overriding the sum of its children's (for counts of
# things that can span children, such as companies managing estates in several districts).
TOTAL = "__total__"


GROUPS = {
    "registry": _("Estates, units and owners"),
    "voting": _("Owner voting"),
    "fund": _("Maintenance fund"),
    "revenue": _("Shared revenue of common parts"),
    "credit": _("Property companies"),
    "notices": _("Notices"),
}


def indicator_groups() -> list[tuple[str, list[Indicator]]]:
    """The visible indicators under their group titles, in order."""
    return [
        (title, [i for i in visible_indicators() if i.group == key])
        for key, title in GROUPS.items()
    ]


def visible_indicators() -> list[Indicator]:
    return [i for i in INDICATORS if not i.hidden]


def indicator_keys() -> list[str]:
    return [i.key for i in visible_indicators()]


def percent(numerator, denominator) -> Decimal | None:
    """numerator / denominator as a percentage with one place (half up); None when 0/0."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


# ---- grouping by path prefix -----------------------------------------------------------------


def group_length(node: Jurisdiction) -> int:
    """Length of the path prefix that names the child a row belongs to (the node itself for an
    estate node, which has no children)."""
    return (node.depth + 1) * STEP if node.depth < ESTATE_DEPTH else len(node.path)


@dataclass
class Scope:
    """The estates under ``prefix`` (one query), and the path prefix of ``length`` characters
    each estate rolls up to: its child of the dashboard's node, or itself.

    Domain figures are aggregated in the database per estate (``GROUP BY estate_id``, an indexed
    column, no join per row) and rolled up here by path prefix, in a bounded number of queries
    whatever the number of estates.
    """

    prefix: str
    length: int
    estates: list[tuple[int, str, int | None]]  # (estate id, jurisdiction path, company id)
    # estates "on the platform": their registry is imported (they have a unit)
    registered: set[int] = field(default_factory=set)
    # per-estate figures that domain apps compute as subqueries of this same query
    # ({estate id: {name: value}}; the shared revenue's, ``revenue_selectors.estate_annotations``)
    annotated: dict[int, dict] = field(default_factory=dict)
    # the fresh materialised unit-level figures by estate id (``EstateFigures``)
    materialised: dict[int, dict] = field(default_factory=dict)
    _unit_figures: dict[int, dict] | None = None

    @classmethod
    def under(cls, prefix: str, length: int) -> Scope:
        """The scope's estates with their fresh materialised figures and the domain apps'
        per-estate annotations, in one query."""
        extra = {
            **revenue_selectors.estate_annotations(),
            **complaint_selectors.estate_annotations(),
        }
        # the estate's and its company's names, for the complaint lists
        info = [f for f in complaint_selectors.DENSITY_FIELDS if f not in extra]
        rows = (
            Estate.objects.filter(jurisdiction__path__startswith=prefix)
            .annotate(_registered=Exists(Unit.objects.filter(estate_id=OuterRef("pk"))), **extra)
            .order_by()
            .values_list(
                "pk",
                "jurisdiction__path",
                "company_id",
                "_registered",
                "figures__stale",
                *(f"figures__{key}" for key in UNIT_FIGURES),
                *extra,
                *info,
            )
        )
        estates, registered, annotated, materialised = [], set(), {}, {}
        n = len(UNIT_FIGURES)
        for pk, path, company_id, has_units, stale, *rest in rows:
            estates.append((pk, path, company_id))
            if has_units:
                registered.add(pk)
            if stale is False:  # None: no row yet
                materialised[pk] = dict(zip(UNIT_FIGURES, rest[:n], strict=True))
            annotated[pk] = dict(zip([*extra, *info], rest[n:], strict=True))
        return cls(prefix, length, estates, registered, annotated, materialised)

    def unit_figures(self) -> dict[int, dict]:
        """The unit-level figures (``UNIT_FIGURES``) of every estate of the scope by id: the
        fresh materialised ones, the others computed live (none when all are fresh)."""
        if self._unit_figures is None:
            live = [pk for pk, _path, _c in self.estates if pk not in self.materialised]
            if not live:
                figures = {}
            elif self.materialised:
                figures = live_unit_figures(live)
            else:
                figures = live_unit_figures(self.estate_ids())
            figures.update(self.materialised)
            self._unit_figures = figures
        return self._unit_figures

    @property
    def group_of(self) -> dict[int, str]:
        return {pk: path[: self.length] for pk, path, _ in self.estates}

    def estate_ids(self):
        """A subquery of the scope's estate ids, for ``estate_id__in`` filters."""
        return Estate.objects.filter(jurisdiction__path__startswith=self.prefix).values("pk")


def rollup(rows, scope: Scope, estate_field: str = "estate_id") -> dict[str, dict]:
    """Sum per-estate aggregate rows (dicts with ``estate_field``) into their path prefixes."""
    group_of = scope.group_of
    out: dict[str, dict] = {}
    for row in rows:
        group = group_of.get(row.pop(estate_field))
        if group is None:
            continue
        target = out.setdefault(group, {})
        for key, value in row.items():
            if value is not None:
                target[key] = target.get(key, 0) + value
    return out


def centi_sum(field: str, **extra):
    """An exact sum of a 2-place decimal column in hundredths, on every database (SQLite keeps
    decimals as floating point): round each value x100 to an integer, then sum integers."""
    return Sum(Cast(Round(F(field) * 100), output_field=BigIntegerField()), **extra)


def from_centi(value) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(ZERO)


def per_estate(qs: QuerySet, scope: Scope, estate_field: str = "estate_id", **aggregates):
    """Aggregate ``qs`` per estate of the scope (one query) and roll up by path prefix."""
    rows = (
        qs.filter(**{f"{estate_field}__in": scope.estate_ids()})
        .order_by()
        .values(estate_field)
        .annotate(**aggregates)
    )
    return rollup(rows, scope, estate_field)


# The figures that grow with the units, per estate: materialised (``EstateFigures``) or live.
UNIT_FIGURES = (
    "units",
    "area_centi",
    "parties",
    "verified_parties",
    "fund_accounts",
    "balance_fen",
    "refill_due",
)


def live_unit_figures(estate_ids) -> dict[int, dict]:
    """``UNIT_FIGURES`` of the estates ``estate_ids`` (ids or a subquery), computed from the
    units, ownerships, verified members and fund ledgers: 4 grouped queries. Estates with no
    unit and no ledger have no entry.

    Parties are those holding a unit now (an ownership without end); a party is verified when a
    member person is linked to a portal account (the claim was verified).
    """
    from property.fund.models import FundAccount
    from property.fund.selectors import fen_sum

    def grouped(qs, estate_field="estate_id", **aggregates):
        return (
            qs.filter(**{f"{estate_field}__in": estate_ids})
            .order_by()
            .values_list(estate_field)
            .annotate(**aggregates)
        )

    out: dict[int, dict] = {}

    def put(rows, *keys):
        for estate_id, *values in rows:
            target = out.setdefault(estate_id, dict.fromkeys(UNIT_FIGURES, 0))
            for key, value in zip(keys, values, strict=True):
                target[key] = value or 0

    put(
        grouped(Unit.objects.all(), units=Count("id"), area_centi=centi_sum("area")),
        "units",
        "area_centi",
    )
    put(
        grouped(
            Ownership.objects.filter(end__isnull=True),
            "party__estate_id",
            parties=Count("party_id", distinct=True),
        ),
        "parties",
    )
    put(
        grouped(
            OwnerParty.objects.filter(members__user__isnull=False, ownerships__end__isnull=True),
            verified_parties=Count("id", distinct=True),
        ),
        "verified_parties",
    )
    put(
        grouped(
            FundAccount.objects.all(),
            fund_accounts=Count("id"),
            balance_fen=fen_sum("balance"),
            refill_due=Count("id", filter=Q(refill_due=True)),
        ),
        "fund_accounts",
        "balance_fen",
        "refill_due",
    )
    return out


def _rolled_unit_figures(scope: Scope, keys: tuple[str, ...]) -> dict[str, dict]:
    """``keys`` of the scope's unit-level figures summed by path prefix."""
    group_of = scope.group_of
    out: dict[str, dict] = {}
    for estate_id, figures in scope.unit_figures().items():
        group = group_of.get(estate_id)
        if group is None:
            continue
        target = out.setdefault(group, {})
        for key in keys:
            target[key] = target.get(key, 0) + figures[key]
    return out


def registry_figures(scope: Scope) -> dict[str, dict]:
    """Estates (from the scope), units, area and owner parties, verified or not: from the
    scope's unit-level figures (``Scope.unit_figures``), no query when they are all fresh."""
    out: dict[str, dict] = {}
    for _pk, path, company_id in scope.estates:
        target = out.setdefault(path[: scope.length], {"estates": 0, "managed_estates": 0})
        target["estates"] += 1
        target["managed_estates"] += company_id is not None
    rolled = _rolled_unit_figures(scope, ("units", "area_centi", "parties", "verified_parties"))
    for group, values in rolled.items():
        out.setdefault(group, {}).update(values)
    for values in out.values():
        if "area_centi" in values:
            values["area"] = from_centi(values.pop("area_centi"))
    return out


# ---- voting ----------------------------------------------------------------------------------


def _months(count: int = 12) -> list[str]:
    """The last ``count`` months up to this one, oldest first, as YYYY-MM (Asia/Shanghai)."""
    today = timezone.localdate()
    year, month = today.year, today.month
    out = []
    for _i in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def _vote_rows(scope: Scope):
    """The scope's votes as tuples (estate id, status, outcome, closes_at, result, counted_at,
    then the ballots standing in each channel of ``ALL_CHANNELS``, None for none): one query.
    A counted vote's ballots come from its ``CountedVoteBallots`` row (joined); a vote without
    one has them counted by correlated subqueries on the indexed vote key, evaluated only then.
    """
    from voting.models import ALL_CHANNELS, Ballot
    from voting.selectors import votes_in_scope

    def ballots(channel):
        return Case(
            When(
                ballot_counts__isnull=True,
                then=Subquery(
                    Ballot.objects.filter(vote_id=OuterRef("pk"), channel=channel)
                    .order_by()
                    .values("vote_id")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
            ),
            default=None,
            output_field=BigIntegerField(),
        )

    channels = {f"_ballots_{c}": ballots(c) for c in ALL_CHANNELS}
    rows = (
        votes_in_scope(Q(estate_id__in=scope.estate_ids()))
        .order_by()
        .annotate(**channels)
        .values_list(
            "estate_id",
            "status",
            "outcome",
            "closes_at",
            "result",
            "counted_at",
            "ballot_counts__counts",
            *channels,
        )
    )
    for row in rows:
        head, counts, live = row[:6], row[6], row[7:]
        if counts is not None:
            live = [counts.get(c) for c in ALL_CHANNELS]
        yield (*head, *live)


def _adoption_row(estate_id, status, result, counted_at, ballots) -> adoption.VoteRow:
    """A counted vote as the adoption module's row: the participation condition as the stored
    tally result says (never recomputed), turnout figures, ballots by channel."""
    from voting.models import ALL_CHANNELS, VoteStatus
    from voting.tally import parse_area

    return adoption.VoteRow(
        estate=estate_id,
        counted_on=timezone.localdate(counted_at),
        participation_met=bool(result["participation_met"]),
        set_aside=status == VoteStatus.SET_ASIDE,
        heads=result["participating"]["heads"],
        total_heads=result["total"]["heads"],
        area=parse_area(result["participating"]["area"]),
        total_area=parse_area(result["total"]["area"]),
        ballots={c: n or 0 for c, n in zip(ALL_CHANNELS, ballots, strict=True)},
    )


def adoption_of(scope: Scope, votes: list[adoption.VoteRow], prefix: str) -> adoption.Adoption:
    """The adoption indicators of the scope's estates under ``prefix`` (no query)."""
    from voting.models import ALL_CHANNELS

    ids = {pk for pk, path, _c in scope.estates if path.startswith(prefix)}
    return adoption.adoption(
        [adoption.EstateRow(pk, pk in scope.registered) for pk in ids],
        [v for v in votes if v.estate in ids],
        today=timezone.localdate(),
        channels=ALL_CHANNELS,
    )


def adoption_table(max_depth: int) -> list[tuple[Jurisdiction, adoption.Adoption]]:
    """The adoption indicators of every node down to ``max_depth`` (the city is depth 1), in
    path order: 3 queries (the nodes, the estates, the votes) whatever the size of the city."""
    from voting.models import RESULT_STATUSES

    scope = Scope.under("", ESTATE_DEPTH * STEP)
    votes = [
        _adoption_row(estate_id, status, result, counted_at, ballots)
        for estate_id, status, _o, _c, result, counted_at, *ballots in _vote_rows(scope)
        if status in RESULT_STATUSES and result and counted_at
    ]
    nodes = Jurisdiction.objects.filter(depth__lte=max_depth).order_by("path")
    return [(node, adoption_of(scope, votes, node.path)) for node in nodes]


def voting_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """Votes open, counted (counted, publicised or final) and passed, and the turnout by area of
    counted votes; the outcomes and turnout by month of closing over the last 12 months.

    Figures come from the counted result (the tally JSON) only: choices of a vote that is not
    yet counted are sealed and never read here. One query.
    """
    from voting.models import RESULT_STATUSES, VoteStatus
    from voting.tally import parse_area

    rows = _vote_rows(scope)
    group_of = scope.group_of
    months = {
        m: {"passed": 0, "failed": 0, "invalid": 0, "part": 0, "total": 0, "hp": 0, "ht": 0}
        for m in _months()
    }
    out: dict[str, dict] = {}
    for estate_id, status, outcome, closes_at, result, counted_at, *ballots in rows:
        group = group_of.get(estate_id)
        if group is None:
            continue
        if status in RESULT_STATUSES and result and counted_at:
            extras.adoption_votes.append(
                _adoption_row(estate_id, status, result, counted_at, ballots)
            )
        t = out.setdefault(
            group,
            {
                "votes_open": 0,
                "votes_counted": 0,
                "votes_passed": 0,
                "turnout_part": 0,
                "turnout_total": 0,
            },
        )
        if status == VoteStatus.OPEN:
            t["votes_open"] += 1
        if status not in RESULT_STATUSES or not result:
            continue
        part = parse_area(result["participating"]["area"])
        total = parse_area(result["total"]["area"])
        # A result set aside on an objection was counted but decided nothing: not passed.
        if status == VoteStatus.SET_ASIDE:
            outcome = ""
        t["votes_counted"] += 1
        t["votes_passed"] += outcome == "passed"
        t["turnout_part"] += part
        t["turnout_total"] += total
        month = months.get(timezone.localtime(closes_at).strftime("%Y-%m"))
        if month is not None:
            if outcome in ("passed", "failed", "invalid"):
                month[outcome] += 1
            month["part"] += part
            month["total"] += total
            month["hp"] += result["participating"]["heads"]
            month["ht"] += result["total"]["heads"]
    extras.breakdowns["vote_outcomes"] = {
        "type": "stack",
        "integer": True,  # counts: whole-number axis
        "title": _("Outcomes of counted votes by month of closing"),
        "headers": [_("Month"), _("Passed"), _("Failed"), _("Invalid (too few took part)")],
        "rows": [[m, v["passed"], v["failed"], v["invalid"]] for m, v in months.items()],
    }
    extras.breakdowns["vote_turnout"] = {
        "type": "line",
        "integer": False,  # shares: fractional ticks even when every figure is whole
        "title": _("Turnout of counted votes by month of closing (%)"),
        "headers": [_("Month"), _("By area (%)"), _("By heads (%)")],
        "rows": [
            [m, percent(v["part"], v["total"]), percent(v["hp"], v["ht"])]
            for m, v in months.items()
        ],
    }
    return out


# ---- maintenance fund ------------------------------------------------------------------------

# Days from submission to decision of emergency requests (calendar days), as chart buckets.
DAY_BUCKETS = [(0, 1, "0–1"), (2, 2, "2"), (3, 3, "3"), (4, 5, "4–5"), (6, None, "6+")]


def fund_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """Balances (exact sum of the unit ledgers), ledgers due for a refill (Art. 17 flag kept by
    the fund), open requests, and emergency requests by state and by days to decide. 2 queries.
    """
    from property.fund.models import FundRequest, RequestKind, Status
    from property.fund.selectors import OPEN_STATES

    out = _rolled_unit_figures(scope, ("fund_accounts", "balance_fen", "refill_due"))
    for values in out.values():
        values["fund_balance"] = from_centi(values.pop("balance_fen", 0))
    group_of = scope.group_of
    by_state = {s.value: 0 for s in Status if s != Status.VOTING}
    buckets = [0] * len(DAY_BUCKETS)
    rows = (
        FundRequest.objects.filter(estate_id__in=scope.estate_ids())
        .order_by()
        .values_list("estate_id", "kind", "status", "submitted_at", "decided_at")
    )
    for estate_id, kind, status, submitted, decided in rows:
        group = group_of.get(estate_id)
        if group is None:
            continue
        t = out.setdefault(group, {})
        t.setdefault("fund_requests_open", 0)
        t.setdefault("emergency_pending", 0)
        t["fund_requests_open"] += status in OPEN_STATES
        if kind != RequestKind.EMERGENCY:
            continue
        t["emergency_pending"] += status == Status.SUBMITTED
        if status in by_state:
            by_state[status] += 1
        if decided and submitted:
            days = (timezone.localdate(decided) - timezone.localdate(submitted)).days
            for i, (low, high, _label) in enumerate(DAY_BUCKETS):
                if days >= low and (high is None or days <= high):
                    buckets[i] += 1
                    break
    extras.breakdowns["emergency_states"] = {
        "type": "bar",
        "integer": True,
        "title": _("Emergency requests by state"),
        "headers": [_("State"), _("Requests")],
        "rows": [[str(Status(k).label), v] for k, v in by_state.items()],
    }
    extras.breakdowns["emergency_days"] = {
        "type": "bar",
        "integer": True,
        "title": _("Emergency requests by days from submission to decision"),
        "headers": [_("Days"), _("Requests")],
        "rows": [[label, buckets[i]] for i, (_l, _h, label) in enumerate(DAY_BUCKETS)],
    }
    return out


# ---- credit ----------------------------------------------------------------------------------

GRADES = ["AAA", "AA", "A", "B", "C"]


def credit_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """The property companies of the place, by their latest rating: how many, how many on the
    blacklist, the grade distribution and the blacklisted companies. Which companies a place
    counts is credit's one definition (``companies_of_place``: registered there or managing an
    estate there; the whole city, all of them), the same as the public ranking's and the API's.
    A few queries; a company counts once per group and once in the total."""
    from property.credit.selectors import company_places, place_ratings

    places = company_places(scope.prefix)
    company_ids = set(places)
    if not company_ids:
        return {}
    ratings = {r.company_id: r for r in place_ratings(scope.prefix).select_related("company")}
    groups: dict[str, set[int]] = {}
    for company_id, paths in places.items():
        for path in paths:
            if len(path) >= scope.length:
                groups.setdefault(path[: scope.length], set()).add(company_id)

    def figures(ids: set[int]) -> dict:
        return {
            "companies": len(ids),
            "companies_blacklisted": sum(1 for c in ids if c in ratings and ratings[c].blacklisted),
        }

    out = {group: figures(ids) for group, ids in groups.items()}
    out[TOTAL] = figures(company_ids)
    grades = {g: 0 for g in GRADES}
    unrated = 0
    for c in company_ids:
        if c in ratings and ratings[c].grade in grades:
            grades[ratings[c].grade] += 1
        else:
            unrated += 1
    extras.breakdowns["grades"] = {
        "type": "pie",
        "title": _("Credit grades of the property companies"),
        "headers": [_("Grade"), _("Companies")],
        "rows": [[g, n] for g, n in grades.items()] + [[str(_("Not rated")), unrated]],
    }
    blacklisted = sorted(
        (r for c, r in ratings.items() if c in company_ids and r.blacklisted),
        key=lambda r: (r.score, r.company.name),
    )
    extras.lists.append(
        {
            "title": _("Companies on the blacklist"),
            "template": "dashboards/_blacklist.html",
            "items": blacklisted,
        }
    )
    return out


# ---- notices ---------------------------------------------------------------------------------


def notice_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """Published, unexpired notices targeted at a place in the subtree (those addressed to an
    ancestor are not counted here; those to the whole city count on the city's dashboard).
    A few queries (cms ``visible_notices``)."""
    from cms.selectors import visible_notices

    where = Q(jurisdiction__path__startswith=scope.prefix)
    if len(scope.prefix) == STEP:
        # The city's own dashboard also counts notices to the whole city (no target): they
        # come in the same grouped query, as the group without a path.
        where |= Q(jurisdiction__isnull=True)
    rows = (
        visible_notices()
        .filter(where)
        .annotate(_g=Substr("jurisdiction__path", 1, scope.length))
        .order_by()
        .values("_g")
        .annotate(notices=Count("id"))
    )
    out: dict[str, dict] = {}
    for row in rows:
        key = scope.prefix if row["_g"] is None else row["_g"]
        out.setdefault(key, {"notices": 0})["notices"] += row["notices"]
    return out


@dataclass
class Extras:
    """What sources add besides figures: chart data (name → chart) and lists."""

    breakdowns: dict = field(default_factory=dict)
    lists: list = field(default_factory=list)
    # the scope and its counted votes as rows of the adoption module
    scope: Scope | None = None
    adoption_votes: list = field(default_factory=list)


def revenue_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """Shared revenue (DOMAIN.md §2a): income, transfers into the fund and balance (exact sums
    in fen of the ledgers' entries), and the estates late with their monthly entries (the
    revenue app's rule), read as subqueries of the scope's own query: no query of its own."""
    from property.revenue.selectors import annotated_figures

    out: dict[str, dict] = {}
    for pk, group in scope.group_of.items():
        figures = annotated_figures(scope.annotated.get(pk, {}))
        t = out.setdefault(
            group,
            {
                "revenue_income": Decimal("0.00"),
                "revenue_transfer": Decimal("0.00"),
                "revenue_balance": Decimal("0.00"),
                "revenue_late": 0,
            },
        )
        for key, value in figures.items():
            t[key] += value
    return out


def _registry_source(scope: Scope, extras: Extras) -> dict[str, dict]:
    return registry_figures(scope)


# Each source answers {path prefix: {indicator key: value}} for a scope (and may add charts and
# lists to ``extras``); a ``TOTAL`` entry overrides the summed total of non-additive figures.
FIGURE_SOURCES: list[Callable[[Scope, Extras], dict[str, dict]]] = [
    _registry_source,
    voting_figures,
    fund_figures,
    revenue_figures,
    credit_figures,
    notice_figures,
]


def figures_by_prefix(prefix: str, length: int, extras: Extras | None = None) -> dict[str, dict]:
    """Every source's raw figures under ``prefix`` grouped by path prefixes of ``length``."""
    scope = Scope.under(prefix, length)
    extras = extras if extras is not None else Extras()
    extras.scope = scope
    by_prefix: dict[str, dict] = {}
    for source in FIGURE_SOURCES:
        for key, values in source(scope, extras).items():
            by_prefix.setdefault(key, {}).update(values)
    return by_prefix


# ---- the dashboard of a node -----------------------------------------------------------------


@dataclass
class Row:
    node: Jurisdiction
    figures: dict


@dataclass
class NodeDashboard:
    node: Jurisdiction
    total: dict
    children: list[Row]
    # chart and breakdown data: name -> list of (label, value...) rows
    breakdowns: dict = field(default_factory=dict)
    # further lists shown under the charts: dicts of title, template, items
    lists: list = field(default_factory=list)
    # the node's ancestors, root first (the page's breadcrumb)
    ancestors: list = field(default_factory=list)
    # adoption indicators (``adoption.Adoption``) of the node, and of each child by its path
    adoption: adoption.Adoption | None = None
    children_adoption: dict = field(default_factory=dict)
    # complaints per 1,000 units this quarter: (by company, by estate), highest first
    complaints: tuple = ((), ())


def _finish(figures: dict) -> dict:
    """Fill missing additive figures with zero and compute the ratios."""
    done = {}
    for ind in INDICATORS:
        if ind.ratio:
            continue
        value = figures.get(ind.key)
        if ind.kind in ("area", "money"):
            value = Decimal(value or 0).quantize(ZERO)
        elif value is None:
            value = 0
        done[ind.key] = value
    for ind in INDICATORS:
        if ind.ratio:
            num, den = ind.ratio
            done[ind.key] = percent(done.get(num, 0), done.get(den, 0))
    return done


def _sum(rows: list[dict]) -> dict:
    total: dict = {}
    for figures in rows:
        for key, value in figures.items():
            if value is None:
                continue
            total[key] = total.get(key, 0) + value
    return total


def family_of(node: Jurisdiction) -> tuple[list[Jurisdiction], list[Jurisdiction]]:
    """The node's ancestors (root first, as ``get_ancestors``) and its children (in path order),
    in one query. Children by path rather than get_children(), which trusts a possibly stale
    ``numchild``."""
    step = Jurisdiction.steplen
    ancestor_paths = [node.path[:end] for end in range(step, len(node.path), step)]
    wanted = []
    if ancestor_paths:
        wanted.append(Q(path__in=ancestor_paths))
    if node.depth < ESTATE_DEPTH:
        wanted.append(Q(path__startswith=node.path, depth=node.depth + 1))
    if not wanted:
        return [], []
    where = wanted[0]
    for q in wanted[1:]:
        where |= q
    found = list(Jurisdiction.objects.filter(where).order_by("path"))
    return (
        [j for j in found if j.depth < node.depth],
        [j for j in found if j.depth > node.depth],
    )


def node_dashboard(node: Jurisdiction) -> NodeDashboard:
    """The indicators of the node's subtree and of each child's subtree (drill-down rows).

    Queries: the ancestors and children (1) plus each figure source's grouped queries,
    whatever the size of the subtree.
    """
    extras = Extras()
    by_prefix = figures_by_prefix(node.path, group_length(node), extras)
    ancestors, children = family_of(node)
    rows = [Row(child, _finish(by_prefix.get(child.path, {}))) for child in children]
    raw_total = _sum([v for k, v in by_prefix.items() if k != TOTAL])
    raw_total.update(by_prefix.get(TOTAL, {}))
    return NodeDashboard(
        node=node,
        total=_finish(raw_total),
        children=rows,
        breakdowns=extras.breakdowns,
        lists=extras.lists,
        ancestors=ancestors,
        adoption=adoption_of(extras.scope, extras.adoption_votes, node.path),
        children_adoption={
            c.path: adoption_of(extras.scope, extras.adoption_votes, c.path) for c in children
        },
        complaints=complaint_densities(extras.scope),
    )


def complaint_densities(scope: Scope) -> tuple[list, list]:
    """Complaints per 1,000 units this quarter of the scope's estates (by company, by estate),
    from the scope's own query and unit figures: no query of their own."""
    units = scope.unit_figures()
    fields = complaint_selectors.DENSITY_FIELDS
    return complaint_selectors.densities(
        [*(scope.annotated[pk].get(f) for f in fields), units.get(pk, {}).get("units", 0)]
        for pk, _path, _company in scope.estates
    )


def estate_figures(estates: list[Estate], prefix: str = "") -> dict[int, dict]:
    """Indicators of each given estate (by estate id), aggregated in one pass per source over the
    subtree ``prefix`` (the common ancestor's path; "" for the whole city)."""
    by_prefix = figures_by_prefix(prefix, ESTATE_DEPTH * STEP)
    return {e.pk: _finish(by_prefix.get(e.jurisdiction.path, {})) for e in estates}


# Indicators compared between the children of a node, one bar chart each.
CHILD_CHARTS = ["units", "verified_share", "fund_balance", "votes_counted"]


def children_charts(dash: NodeDashboard) -> list[dict]:
    """Chart data comparing the children on a few indicators; the children table on the page
    carries the same figures as their text alternative."""
    if not dash.children:
        return []
    by_key = {i.key: i for i in INDICATORS}
    charts = []
    for key in CHILD_CHARTS:
        ind = by_key.get(key)
        if ind is None:
            continue
        charts.append(
            {
                "key": key,
                "type": "bar",
                "integer": ind.kind == "count",
                "title": str(ind.label),
                "headers": [str(_("Place")), str(ind.label)],
                "rows": [[r.node.name, r.figures.get(key)] for r in dash.children],
            }
        )
    return charts


# ---- the resident's and the company's dashboards ---------------------------------------------

# Figures that make no sense for one estate on the company dashboard.
COMPANY_HIDDEN = {"estates", "managed_estates", "companies", "companies_blacklisted"}


def _section(title, items, *, link=None, link_text=None, empty=None) -> dict:
    return {
        "title": title,
        "template": "dashboards/_items.html",
        "items": items,
        "link": link,
        "link_text": link_text,
        "empty": empty,
    }


def resident_overview(user) -> dict:
    """An owner's own things, each linking to the page of the app that owns it: units with
    their fund balances, open votes with the owner's receipts, fund ledgers, estate notices."""
    from django.urls import reverse

    from property.registry.selectors import estates_of_user, parties_of_user, units_of_user

    units = list(units_of_user(user).order_by("estate__code", "code"))
    estates = list(estates_of_user(user).select_related("jurisdiction").order_by("code"))
    sections = []
    accounts = []
    from voting.selectors import open_votes, parties_entries

    votes = []
    for estate in estates:
        parties = list(parties_of_user(user, estate))
        estate_votes = list(open_votes(estate))
        entries_of = parties_entries(estate_votes, parties)
        for vote in estate_votes:
            receipts = [e.receipt for p in parties for e in entries_of.get((vote.pk, p.pk), [])]
            votes.append(
                {
                    "label": vote.title,
                    "url": reverse("voting:detail", args=[vote.pk]),
                    "detail": estate.name,
                    "when": vote.closes_at,
                    "receipts": receipts,
                }
            )
    sections.append(
        _section(
            _("My open votes"),
            votes,
            link=reverse("voting:list"),
            link_text=_("All votes"),
            empty=_("No vote is open in your estates."),
        )
    )
    from property.fund.selectors import owner_accounts

    accounts = list(owner_accounts(user))
    balances = {a.unit_id: a for a in accounts}
    for unit in units:
        account = balances.get(unit.pk)
        unit.fund_balance = account.balance if account else None
        unit.fund_url = reverse("fund:ledger", args=[account.pk]) if account else None
    sections.append(
        _section(
            _("My fund ledgers"),
            [
                {
                    "label": f"{a.estate.name} {a.unit.code}",
                    "url": reverse("fund:ledger", args=[a.pk]),
                    "detail": format_money(a.balance),
                    "flag": _("Refill due") if a.refill_due else None,
                }
                for a in accounts
            ],
            link=reverse("fund:my"),
            link_text=_("My maintenance fund"),
            empty=_("No fund ledger yet."),
        )
    )
    from cms.selectors import notices_for_estate

    # A notice to the district or the whole city applies to each of the owner's estates:
    # listed once, under the place it is addressed to (none for the whole city).
    notices, seen = [], set()
    for estate in estates:
        for page in notices_for_estate(estate, limit=5):
            if page.pk in seen:
                continue
            seen.add(page.pk)
            notices.append(
                {
                    "label": page.title,
                    "url": page.url,
                    "detail": page.jurisdiction.name if page.jurisdiction else None,
                    "when": page.publication_date,
                }
            )
    notices.sort(key=lambda n: n["when"] or date.min, reverse=True)
    sections.append(
        _section(
            _("Notices for my estate"),
            notices,
            link="/notices/",
            link_text=_("All notices"),
            empty=_("No notice."),
        )
    )
    return {
        "units": units,
        "estates": estates,
        "unit_balances": bool(accounts),
        "sections": sections,
    }


def company_overview(user, company_ids) -> dict:
    """A company's estates with each estate's figures (one aggregation pass per source), its
    current rating, records awaiting the objection window and its fund requests; each links to
    the credit and fund pages."""
    from django.urls import reverse

    from portal.organisations.models import Organisation

    companies = list(Organisation.objects.filter(pk__in=company_ids).order_by("name"))
    estates = list(
        Estate.objects.filter(company_id__in=company_ids)
        .select_related("jurisdiction", "company")
        .order_by("code")
    )
    figures = estate_figures(estates) if estates else {}
    top_sections, sections = [], []
    from property.credit.selectors import current_rating, pending_records

    ratings, records = [], []
    for company in companies:
        url = reverse("credit:company", args=[company.credit_code]) if company.credit_code else None
        rating = current_rating(company)
        ratings.append(
            {
                "label": company.name,
                "url": url,
                "detail": f"{rating.score} · {rating.grade}" if rating else _("Not rated yet"),
                "when": rating.as_of if rating else None,
                "flag": _("On the blacklist") if rating and rating.blacklisted else None,
            }
        )
        for record in pending_records(company):
            records.append(
                {
                    "label": record.item.description,
                    "url": reverse("credit:mine"),
                    # Signed as on the credit pages: a bad record's points are lost.
                    "detail": f"{record.get_status_display()} · "
                    f"{'+' if record.signed_points >= 0 else '−'}{record.points}",
                    "when": record.objection_deadline,
                }
            )
    top_sections.append(
        _section(
            _("My rating"),
            ratings,
            link=reverse("credit:mine"),
            link_text=_("My credit records"),
        )
    )
    sections.append(
        _section(
            _("Records and objections"),
            records,
            link=reverse("credit:mine"),
            link_text=_("My credit records"),
            empty=_("No record awaits the objection window."),
        )
    )
    from property.fund.selectors import requests_for_user

    requests = [
        {
            "label": r.title,
            "url": reverse("fund:request", args=[r.pk]),
            "detail": f"{r.estate.name} · {r.get_status_display()}",
            "when": r.submitted_at,
        }
        for r in requests_for_user(user)[:20]
    ]
    sections.append(
        _section(
            _("My fund requests"),
            requests,
            link=reverse("fund:requests"),
            link_text=_("All fund requests"),
            empty=_("No fund request."),
        )
    )
    return {
        "companies": companies,
        "estates": [(e, figures[e.pk]) for e in estates],
        "top_sections": top_sections,
        "sections": sections,
    }


# ---- open data -------------------------------------------------------------------------------


def public_estate_rows() -> list[dict]:
    """Every estate with its place, company, units and area: 3 queries, no personal data."""
    names = dict(Jurisdiction.objects.filter(depth__lt=ESTATE_DEPTH).values_list("path", "name"))
    units = {
        row["estate_id"]: row
        for row in Unit.objects.order_by()
        .values("estate_id")
        .annotate(units=Count("id"), area=centi_sum("area"))
    }
    rows = []
    for e in Estate.objects.select_related("jurisdiction", "company").order_by("code"):
        path = e.jurisdiction.path
        u = units.get(e.pk, {})
        rows.append(
            {
                "code": e.code,
                "name": e.name,
                "district": names.get(path[: 2 * STEP]),
                "street": names.get(path[: 3 * STEP]),
                "community": names.get(path[: 4 * STEP]),
                "company": e.company.name if e.company else None,
                "company_credit_code": e.company.credit_code if e.company else None,
                "units": u.get("units", 0),
                "area": from_centi(u.get("area")),
            }
        )
    return rows


def public_fund_rows() -> list[dict]:
    """Fund statistics per estate: ledgers, exact balance, ledgers due for a refill, open
    requests. 3 queries, figures only."""
    from property.fund.models import FundAccount, FundRequest
    from property.fund.selectors import OPEN_STATES, fen_sum

    accounts = {
        row["estate_id"]: row
        for row in FundAccount.objects.order_by()
        .values("estate_id")
        .annotate(
            accounts=Count("id"),
            balance=fen_sum("balance"),
            refill_due=Count("id", filter=Q(refill_due=True)),
        )
    }
    requests = dict(
        FundRequest.objects.filter(status__in=OPEN_STATES)
        .order_by()
        .values("estate_id")
        .annotate(n=Count("id"))
        .values_list("estate_id", "n")
    )
    rows = []
    for e in Estate.objects.order_by("code").values("pk", "code", "name"):
        a = accounts.get(e["pk"], {})
        rows.append(
            {
                "estate": e["code"],
                "name": e["name"],
                "accounts": a.get("accounts", 0),
                "balance": from_centi(a.get("balance")),
                "refill_due": a.get("refill_due", 0),
                "open_requests": requests.get(e["pk"], 0),
            }
        )
    return rows
