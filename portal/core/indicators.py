"""The machinery of the indicators: what every domain's figures are made with, and nothing of
any domain.

An indicator is one figure of a place (``Indicator``). Each domain app computes its own in its
``indicators`` module (``property/registry``, ``voting``, ``property/fund``,
``property/credit``, ``property/revenue``, ``cms``) as a *source*: a function of a ``Scope``
(the estates under a path prefix) and an ``Extras`` (charts and lists it may add) answering
``{path prefix: {indicator key: value}}``. ``portal/indicators.py`` composes the sources; the
dashboards and the API read the composition.

Every figure is aggregated in the database per estate (``GROUP BY estate_id``) or by the path
prefix of a jurisdiction (``Substr(path, 1, (depth + 1) * steplen)``), and rolled up to the
child node each row falls under (materialised paths, django-treebeard): a fixed number of
queries answers a node and all of its children, never a query per estate.

This module sits on the ground layer: it imports no domain app (``.importlinter``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, Round

from portal.organisations.models import LEVEL_DEPTH, Jurisdiction, Level

ESTATE_DEPTH = LEVEL_DEPTH[Level.ESTATE]
STEP = Jurisdiction.steplen
ZERO = Decimal("0.00")

# Figures a source gives for the whole node, overriding the sum of its children's (for counts of
# things that can span children, such as companies managing estates in several districts).
TOTAL = "__total__"


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
    """The estates under ``prefix``, and the path prefix of ``length`` characters each estate
    rolls up to: its child of the dashboard's node, or itself. Built in one query by the
    composition (``portal.indicators.scope_under``).

    Domain figures are aggregated in the database per estate (``GROUP BY estate_id``, an indexed
    column, no join per row) and rolled up here by path prefix, in a bounded number of queries
    whatever the number of estates.
    """

    prefix: str
    length: int
    estates: list[tuple[int, str, int | None]]  # (estate id, jurisdiction path, company id)
    # a subquery of the scope's estate ids, for ``estate_id__in`` filters (a new one each call)
    estate_ids_of: Callable[[], QuerySet]
    # the unit-level figures of estates (ids or a subquery) computed live from their records
    live_unit_figures: Callable[[object], dict[int, dict]]
    # estates "on the platform": their registry is imported (they have a unit)
    registered: set[int] = field(default_factory=set)
    # per-estate figures that domain apps compute as subqueries of this same query
    # ({estate id: {name: value}}; the shared revenue's and the complaints' annotations)
    annotated: dict[int, dict] = field(default_factory=dict)
    # the fresh materialised unit-level figures by estate id (``EstateFigures``)
    materialised: dict[int, dict] = field(default_factory=dict)
    _unit_figures: dict[int, dict] | None = None

    def unit_figures(self) -> dict[int, dict]:
        """The unit-level figures of every estate of the scope by id: the fresh materialised
        ones, the others computed live (none when all are fresh)."""
        if self._unit_figures is None:
            live = [pk for pk, _path, _c in self.estates if pk not in self.materialised]
            if not live:
                figures = {}
            elif self.materialised:
                figures = self.live_unit_figures(live)
            else:
                figures = self.live_unit_figures(self.estate_ids())
            figures.update(self.materialised)
            self._unit_figures = figures
        return self._unit_figures

    @property
    def group_of(self) -> dict[int, str]:
        return {pk: path[: self.length] for pk, path, _ in self.estates}

    def estate_ids(self) -> QuerySet:
        """A subquery of the scope's estate ids, for ``estate_id__in`` filters."""
        return self.estate_ids_of()


@dataclass
class Extras:
    """What sources add besides figures: chart data (name → chart) and lists."""

    breakdowns: dict = field(default_factory=dict)
    lists: list = field(default_factory=list)
    # the scope and its counted votes as rows of the adoption module (``voting.adoption``)
    scope: Scope | None = None
    adoption_votes: list = field(default_factory=list)


# A source answers {path prefix: {indicator key: value}} for a scope (and may add charts and
# lists to ``extras``); a ``TOTAL`` entry overrides the summed total of non-additive figures.
Source = Callable[[Scope, Extras], dict[str, dict]]


def collect(scope: Scope, sources: list[Source], extras: Extras) -> dict[str, dict]:
    """Every source's raw figures for the scope, merged by path prefix."""
    extras.scope = scope
    by_prefix: dict[str, dict] = {}
    for source in sources:
        for key, values in source(scope, extras).items():
            by_prefix.setdefault(key, {}).update(values)
    return by_prefix


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


def rolled_unit_figures(scope: Scope, keys: tuple[str, ...]) -> dict[str, dict]:
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


def grouped_by_estate(qs: QuerySet, estate_ids, estate_field: str = "estate_id", **aggregates):
    """``qs`` aggregated per estate of ``estate_ids`` (ids or a subquery): rows of the estate
    id then the aggregates, in one query."""
    return (
        qs.filter(**{f"{estate_field}__in": estate_ids})
        .order_by()
        .values_list(estate_field)
        .annotate(**aggregates)
    )


# ---- finishing -------------------------------------------------------------------------------


def finish(figures: dict, indicators: list[Indicator]) -> dict:
    """Fill missing additive figures with zero and compute the ratios."""
    done = {}
    for ind in indicators:
        if ind.ratio:
            continue
        value = figures.get(ind.key)
        if ind.kind in ("area", "money"):
            value = Decimal(value or 0).quantize(ZERO)
        elif value is None:
            value = 0
        done[ind.key] = value
    for ind in indicators:
        if ind.ratio:
            num, den = ind.ratio
            done[ind.key] = percent(done.get(num, 0), done.get(den, 0))
    return done


def sum_figures(rows: list[dict]) -> dict:
    """Figures summed key by key (``None`` left out)."""
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
    ancestor_paths = [node.path[:end] for end in range(STEP, len(node.path), STEP)]
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
