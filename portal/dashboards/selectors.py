"""Read-side of the supervision dashboards: a node's indicators and its children's, by path prefix.

Every figure is aggregated in the database over the node's subtree and grouped by the child
node each row falls under: ``Substr(<jurisdiction path>, 1, (depth + 1) * steplen)`` is the
path of the child (materialised path, django-treebeard), so one query per indicator group
answers the node and all of its children at once — never a query per estate.

The domain apps are read only (their models' querysets, their pure rule modules); nothing here
writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from portal.organisations.models import LEVEL_DEPTH, Jurisdiction, Level
from property.registry.models import Estate, OwnerParty, Ownership, Unit

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
]


def indicator_keys() -> list[str]:
    return [i.key for i in INDICATORS]


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

    @classmethod
    def under(cls, prefix: str, length: int) -> Scope:
        rows = (
            Estate.objects.filter(jurisdiction__path__startswith=prefix)
            .order_by()
            .values_list("pk", "jurisdiction__path", "company_id")
        )
        return cls(prefix, length, list(rows))

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


def per_estate(qs: QuerySet, scope: Scope, estate_field: str = "estate_id", **aggregates):
    """Aggregate ``qs`` per estate of the scope (one query) and roll up by path prefix."""
    rows = (
        qs.filter(**{f"{estate_field}__in": scope.estate_ids()})
        .order_by()
        .values(estate_field)
        .annotate(**aggregates)
    )
    return rollup(rows, scope, estate_field)


def registry_figures(scope: Scope) -> dict[str, dict]:
    """Estates (from the scope), units, area and owner parties, verified or not: 2 queries.

    Parties are those holding a unit now (an ownership without end); a party is verified when a
    member person is linked to a portal account (the claim was verified).
    """
    out: dict[str, dict] = {}
    for _pk, path, company_id in scope.estates:
        target = out.setdefault(path[: scope.length], {"estates": 0, "managed_estates": 0})
        target["estates"] += 1
        target["managed_estates"] += company_id is not None
    for rows in (
        per_estate(Unit.objects.all(), scope, units=Count("id"), area=Sum("area")),
        per_estate(
            Ownership.objects.filter(end__isnull=True),
            scope,
            "party__estate_id",
            parties=Count("party_id", distinct=True),
        ),
        per_estate(
            OwnerParty.objects.filter(members__user__isnull=False, ownerships__end__isnull=True),
            scope,
            verified_parties=Count("id", distinct=True),
        ),
    ):
        for group, values in rows.items():
            out.setdefault(group, {}).update(values)
    return out


# Each source answers {path prefix: {indicator key: value}} for a scope; domain apps add theirs.
FIGURE_SOURCES: list[Callable[[Scope], dict[str, dict]]] = [registry_figures]


def figures_by_prefix(prefix: str, length: int) -> dict[str, dict]:
    """Every source's raw figures under ``prefix`` grouped by path prefixes of ``length``."""
    scope = Scope.under(prefix, length)
    by_prefix: dict[str, dict] = {}
    for source in FIGURE_SOURCES:
        for key, values in source(scope).items():
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


def children_of(node: Jurisdiction) -> list[Jurisdiction]:
    if node.depth >= ESTATE_DEPTH:
        return []
    # By path rather than get_children(), which trusts a possibly stale ``numchild``.
    return list(
        Jurisdiction.objects.filter(path__startswith=node.path, depth=node.depth + 1).order_by(
            "path"
        )
    )


def node_dashboard(node: Jurisdiction) -> NodeDashboard:
    """The indicators of the node's subtree and of each child's subtree (drill-down rows).

    Queries: the children (1) plus each figure source's grouped queries, whatever the size of
    the subtree.
    """
    by_prefix = figures_by_prefix(node.path, group_length(node))
    children = children_of(node)
    rows = [Row(child, _finish(by_prefix.get(child.path, {}))) for child in children]
    raw_total = _sum(list(by_prefix.values()))
    return NodeDashboard(node=node, total=_finish(raw_total), children=rows)


def estate_figures(estates: list[Estate], prefix: str = "") -> dict[int, dict]:
    """Indicators of each given estate (by estate id), aggregated in one pass per source over the
    subtree ``prefix`` (the common ancestor's path; "" for the whole city)."""
    by_prefix = figures_by_prefix(prefix, ESTATE_DEPTH * STEP)
    return {e.pk: _finish(by_prefix.get(e.jurisdiction.path, {})) for e in estates}


# Indicators compared between the children of a node, one bar chart each.
CHILD_CHARTS = ["units", "verified_share"]


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
                "title": str(ind.label),
                "headers": [str(_("Name")), str(ind.label)],
                "rows": [[r.node.name, r.figures.get(key)] for r in dash.children],
            }
        )
    return charts


# ---- the resident's and the company's dashboards ---------------------------------------------

# Figures that make no sense for one estate on the company dashboard.
COMPANY_HIDDEN = {"estates", "managed_estates"}


def resident_overview(user) -> dict:
    """An owner's own things: units (with their estates). Domain sections add votes, ledger and
    notices; each links to the page of the app that owns it."""
    from property.registry.selectors import estates_of_user, units_of_user

    units = list(units_of_user(user).order_by("estate__code", "code"))
    estates = list(estates_of_user(user).select_related("jurisdiction").order_by("code"))
    return {"units": units, "estates": estates}


def company_overview(company_ids) -> dict:
    """A company's estates with each estate's figures (one aggregation pass per source)."""
    from portal.organisations.models import Organisation

    companies = list(Organisation.objects.filter(pk__in=company_ids).order_by("name"))
    estates = list(
        Estate.objects.filter(company_id__in=company_ids)
        .select_related("jurisdiction", "company")
        .order_by("code")
    )
    figures = estate_figures(estates) if estates else {}
    return {
        "companies": companies,
        "estates": [(e, figures[e.pk]) for e in estates],
    }


# ---- open data -------------------------------------------------------------------------------


def public_estate_rows() -> list[dict]:
    """Every estate with its place, company, units and area: 3 queries, no personal data."""
    names = dict(Jurisdiction.objects.filter(depth__lt=ESTATE_DEPTH).values_list("path", "name"))
    units = {
        row["estate_id"]: row
        for row in Unit.objects.order_by()
        .values("estate_id")
        .annotate(units=Count("id"), area=Sum("area"))
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
                "area": Decimal(u.get("area") or 0).quantize(ZERO),
            }
        )
    return rows
