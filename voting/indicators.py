"""Voting's indicators: votes open, counted and passed, and the turnout by area of counted votes
of the places of a scope (``portal.core.indicators``), their outcomes and turnout by month, and
the adoption indicators (``voting.adoption``) of every place.

Figures come from the counted result (the tally JSON) only: choices of a vote that is not yet
counted are sealed and never read here.

The figures of a scope are cached on the version of the votes (``selectors.cached_on_votes``):
walking every counted vote of the city took about 250 ms a request at 1.3 million units. A
cached copy costs no query (the scope's query reads the version), and any vote that opens,
closes, is counted, publicised, made final or set aside replaces it.
"""

from __future__ import annotations

import hashlib

from django.db.models import BigIntegerField, Case, Count, OuterRef, Q, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.indicators import Extras, Indicator, Scope, percent

from . import adoption
from .models import ALL_CHANNELS, RESULT_STATUSES, Ballot, VoteStatus, VotingVersion
from .selectors import cached_on_votes, votes_in_scope
from .tally import parse_area

GROUP = ("voting", _("Owner voting"))

INDICATORS: list[Indicator] = [
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
]


# The votes' version (``VotingVersion.token``), read by the scope's own query.
VERSION = "votes_version"
# The shape of what this module caches: raise it whenever that shape changes, or a deployment
# would read its predecessor's copies (Redis outlives the workers) until the next vote moves.
CACHE_FORMAT = 2


def estate_annotations() -> dict:
    """What the scope's query carries for voting: the votes' version, so the cached figures'
    key costs no query of its own (the same value on every estate's row; an init plan)."""
    return {VERSION: Subquery(VotingVersion.token_query())}


def scope_version(scope: Scope) -> str | None:
    """The votes' version the scope's query read; None when it read none (no estate)."""
    for values in scope.annotated.values():
        return values.get(VERSION)
    return None


def scope_key(scope: Scope, *, grouped: bool = True) -> str:
    """A cache-key part naming the scope: its prefix, its grouping (``grouped``) and a digest of
    its estates (with the group each rolls up to), so an estate added to or moved in the tree
    never meets a copy made without it. No query."""
    if grouped:
        items = sorted((pk, path[: scope.length]) for pk, path, _c in scope.estates)
    else:
        items = sorted(pk for pk, _path, _c in scope.estates)
    return f"{scope.prefix}:{scope.length if grouped else ''}:{_digest(items)}"


def _digest(items) -> str:
    return hashlib.blake2b(repr(items).encode(), digest_size=12).hexdigest()


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


def vote_rows(scope: Scope):
    """The scope's votes as tuples (estate id, status, outcome, closes_at, result, counted_at,
    then the ballots standing in each channel of ``ALL_CHANNELS``, None for none): one query.
    A counted vote's ballots come from its ``CountedVoteBallots`` row (joined); a vote without
    one has them counted by correlated subqueries on the indexed vote key, evaluated only then.
    """

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


def adoption_fields(estate_id, status, result, counted_at, ballots) -> tuple:
    """A counted vote as the adoption module's row's fields, in order (``adoption.VoteRow``):
    the participation condition as the stored tally result says (never recomputed), turnout
    figures, ballots by channel. Cached as such: a tuple unpickles several times faster than
    the frozen row."""
    return (
        estate_id,
        timezone.localdate(counted_at),
        bool(result["participation_met"]),
        status == VoteStatus.SET_ASIDE,
        result["participating"]["heads"],
        result["total"]["heads"],
        parse_area(result["participating"]["area"]),
        parse_area(result["total"]["area"]),
        {c: n or 0 for c, n in zip(ALL_CHANNELS, ballots, strict=True)},
    )


def adoption_row(estate_id, status, result, counted_at, ballots) -> adoption.VoteRow:
    """A counted vote as the adoption module's row (``adoption_fields``)."""
    return adoption.VoteRow(*adoption_fields(estate_id, status, result, counted_at, ballots))


def counted_adoption_rows(scope: Scope) -> list[adoption.VoteRow]:
    """The scope's counted votes as the adoption module's rows, cached on the votes' version
    (``selectors.cached_on_votes``, the version read by the scope's query): no query when
    cached, else one."""

    def compute():
        return [
            adoption_fields(estate_id, status, result, counted_at, ballots)
            for estate_id, status, _o, _c, result, counted_at, *ballots in vote_rows(scope)
            if status in RESULT_STATUSES and result and counted_at
        ]

    key = f"adoption-rows/{CACHE_FORMAT}:{scope_key(scope, grouped=False)}"
    rows = cached_on_votes(key, compute, version=scope_version(scope))
    return [adoption.VoteRow(*fields) for fields in rows]


def adoption_of(scope: Scope, votes: list[adoption.VoteRow], prefix: str) -> adoption.Adoption:
    """The adoption indicators of the scope's estates under ``prefix`` (no query)."""
    ids = {pk for pk, path, _c in scope.estates if path.startswith(prefix)}
    return adoption.adoption(
        [adoption.EstateRow(pk, pk in scope.registered) for pk in ids],
        [v for v in votes if v.estate in ids],
        today=timezone.localdate(),
        channels=ALL_CHANNELS,
    )


def adoption_by_prefix(
    scope: Scope, votes: list[adoption.VoteRow], prefixes: list[str]
) -> dict[str, adoption.Adoption]:
    """``adoption_of`` the estates under each of ``prefixes``, by prefix, cached on the votes'
    version, the day (the 12-month window ends today, Asia/Shanghai) and the scope's estates
    with whether each is on the platform: no query (the scope's query read the version).
    ``votes``: the scope's counted votes (``extras.adoption_votes``), read only when not
    cached. The medians sort every counted vote of a place: 50 ms a city page at 3,000 votes."""
    estates = sorted((pk, path, pk in scope.registered) for pk, path, _c in scope.estates)
    places = f"{_digest(estates)}:{_digest(prefixes)}"
    key = f"adoption/{CACHE_FORMAT}:{scope.prefix}:{places}:{timezone.localdate()}"
    return cached_on_votes(
        key,
        lambda: {p: adoption_of(scope, votes, p) for p in prefixes},
        version=scope_version(scope),
    )


def voting_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """Votes open, counted (counted, publicised or final) and passed, and the turnout by area of
    counted votes; the outcomes and turnout by month of closing over the last 12 months; the
    counted votes as adoption rows (``extras.adoption_votes``).

    Figures come from the counted result (the tally JSON) only: choices of a vote that is not
    yet counted are sealed and never read here. Cached per scope, month (Asia/Shanghai: the
    12-month window moves with it) and version of the votes (``selectors.cached_on_votes``),
    which the scope's query read (``estate_annotations``): no query when cached, else one."""
    months = _months()
    out, by_month, votes = cached_on_votes(
        f"figures/{CACHE_FORMAT}:{scope_key(scope)}:{months[-1]}",
        lambda: counted_figures(scope, months),
        version=scope_version(scope),
    )
    extras.adoption_votes.extend(adoption.VoteRow(*fields) for fields in votes)
    extras.breakdowns["vote_outcomes"] = {
        "type": "stack",
        "integer": True,  # counts: whole-number axis
        "title": _("Outcomes of counted votes by month of closing"),
        "headers": [_("Month"), _("Passed"), _("Failed"), _("Invalid (too few took part)")],
        "rows": [[m, v["passed"], v["failed"], v["invalid"]] for m, v in by_month.items()],
    }
    extras.breakdowns["vote_turnout"] = {
        "type": "line",
        "integer": False,  # shares: fractional ticks even when every figure is whole
        "title": _("Turnout of counted votes by month of closing (%)"),
        "headers": [_("Month"), _("By area (%)"), _("By heads (%)")],
        "rows": [
            [m, percent(v["part"], v["total"]), percent(v["hp"], v["ht"])]
            for m, v in by_month.items()
        ],
    }
    return out


def counted_figures(
    scope: Scope, months: list[str]
) -> tuple[dict[str, dict], dict[str, dict], list[tuple]]:
    """What ``voting_figures`` shows, computed (one query): the figures by group, the sums by
    month of closing over ``months`` (YYYY-MM), and the counted votes as adoption rows' fields
    (``adoption_fields``)."""
    group_of = scope.group_of
    by_month = {
        m: {"passed": 0, "failed": 0, "invalid": 0, "part": 0, "total": 0, "hp": 0, "ht": 0}
        for m in months
    }
    out: dict[str, dict] = {}
    votes: list[tuple] = []
    for estate_id, status, outcome, closes_at, result, counted_at, *ballots in vote_rows(scope):
        group = group_of.get(estate_id)
        if group is None:
            continue
        if status in RESULT_STATUSES and result and counted_at:
            votes.append(adoption_fields(estate_id, status, result, counted_at, ballots))
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
        month = by_month.get(timezone.localtime(closes_at).strftime("%Y-%m"))
        if month is not None:
            if outcome in ("passed", "failed", "invalid"):
                month[outcome] += 1
            month["part"] += part
            month["total"] += total
            month["hp"] += result["participating"]["heads"]
            month["ht"] += result["total"]["heads"]
    return out, by_month, votes
