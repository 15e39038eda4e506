"""Every domain's indicators, composed: the one catalogue, the one scope query and the one list
of sources that the dashboards (``portal.dashboards``) and the API (``portal.api``) both read,
so a figure is the same on a page, in its export and through the API.

Each domain computes its own figures in its ``indicators`` module, with the machinery of
``portal.core.indicators``: the registry (estates, units, parties), voting (votes open,
counted and passed, turnout over time, adoption), the fund (balances, refill flags, emergency
requests), the shared revenue, credit (the rating of the companies of a place, complaint
densities) and the CMS (notices). This module sits on its own layer, below the dashboards and
the API and above the domains (``.importlinter``); nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from cms import indicators as cms_indicators
from portal.core.indicators import (
    ESTATE_DEPTH,
    STEP,
    TOTAL,
    Extras,
    Indicator,
    Scope,
    collect,
    family_of,
    finish,
    group_length,
    sum_figures,
)
from portal.organisations.models import Jurisdiction
from property.credit import indicators as credit_indicators
from property.fund import indicators as fund_indicators
from property.registry import indicators as registry_indicators
from property.registry.models import Estate, Unit
from property.revenue import indicators as revenue_indicators
from voting import adoption
from voting import indicators as voting_indicators

# The domains in the order of the dashboard's groups, the export's columns and the API's fields.
DOMAINS = [
    registry_indicators,
    voting_indicators,
    fund_indicators,
    revenue_indicators,
    credit_indicators,
    cms_indicators,
]

INDICATORS: list[Indicator] = [i for domain in DOMAINS for i in domain.INDICATORS]

GROUPS = dict(domain.GROUP for domain in DOMAINS)

# Each source answers {path prefix: {indicator key: value}} for a scope (``core.indicators``).
SOURCES = [
    registry_indicators.registry_figures,
    voting_indicators.voting_figures,
    fund_indicators.fund_figures,
    revenue_indicators.revenue_figures,
    credit_indicators.credit_figures,
    cms_indicators.notice_figures,
]


def visible_indicators() -> list[Indicator]:
    return [i for i in INDICATORS if not i.hidden]


def indicator_groups() -> list[tuple[str, list[Indicator]]]:
    """The visible indicators under their group titles, in order."""
    return [
        (title, [i for i in visible_indicators() if i.group == key])
        for key, title in GROUPS.items()
    ]


# ---- the scope: the estates of a subtree with their per-estate figures, in one query ----------

# The figures that grow with the units, per estate: materialised (``EstateFigures``) or live.
UNIT_FIGURES = registry_indicators.UNIT_FIGURES + fund_indicators.UNIT_FIGURES


def live_unit_figures(estate_ids) -> dict[int, dict]:
    """``UNIT_FIGURES`` of the estates ``estate_ids`` (ids or a subquery), computed from the
    units, ownerships, verified members and fund ledgers: 4 grouped queries. Estates with no
    unit, no party and no ledger have no entry; the others have every figure."""
    out: dict[int, dict] = {}
    for part in (
        registry_indicators.live_unit_figures(estate_ids),
        fund_indicators.live_unit_figures(estate_ids),
    ):
        for estate_id, figures in part.items():
            out.setdefault(estate_id, dict.fromkeys(UNIT_FIGURES, 0)).update(figures)
    return out


def scope_under(prefix: str, length: int) -> Scope:
    """The estates under ``prefix`` rolled up to path prefixes of ``length``, with their fresh
    materialised figures (``EstateFigures``, the estate's ``figures``) and the domain apps'
    per-estate annotations (shared revenue, complaints, the votes' version), in one query."""
    extra = {
        **revenue_indicators.estate_annotations(),
        **credit_indicators.estate_annotations(),
        **voting_indicators.estate_annotations(),
    }
    info = [f for f in credit_indicators.ESTATE_FIELDS if f not in extra]
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
    return Scope(
        prefix=prefix,
        length=length,
        estates=estates,
        estate_ids_of=lambda: registry_indicators.estate_ids_under(prefix),
        live_unit_figures=live_unit_figures,
        registered=registered,
        annotated=annotated,
        materialised=materialised,
    )


# ---- figures of places -----------------------------------------------------------------------


def figures_by_prefix(prefix: str, length: int, extras: Extras | None = None) -> dict[str, dict]:
    """Every source's raw figures under ``prefix`` grouped by path prefixes of ``length``."""
    extras = extras if extras is not None else Extras()
    return collect(scope_under(prefix, length), SOURCES, extras)


def finished(figures: dict) -> dict:
    """Raw figures with every indicator filled in and the ratios computed."""
    return finish(figures, INDICATORS)


@dataclass
class Row:
    node: Jurisdiction
    figures: dict


@dataclass
class NodeFigures:
    """The indicators of a node's subtree (``total``) and of each child's (``children``), with
    the node's ancestors, root first (read with the children)."""

    node: Jurisdiction
    total: dict
    children: list[Row]
    ancestors: list


def node_figures(node: Jurisdiction, extras: Extras) -> NodeFigures:
    """The indicators of the node's subtree and of each child's subtree (drill-down rows); the
    sources' charts, lists, scope and adoption rows go to ``extras``.

    Queries: the ancestors and children (1) plus each figure source's grouped queries,
    whatever the size of the subtree.
    """
    by_prefix = figures_by_prefix(node.path, group_length(node), extras)
    ancestors, children = family_of(node)
    rows = [Row(child, finished(by_prefix.get(child.path, {}))) for child in children]
    raw_total = sum_figures([v for k, v in by_prefix.items() if k != TOTAL])
    raw_total.update(by_prefix.get(TOTAL, {}))
    return NodeFigures(node, finished(raw_total), rows, ancestors)


def estate_figures(estates: list[Estate], prefix: str = "") -> dict[int, dict]:
    """Indicators of each given estate (by estate id), aggregated in one pass per source over the
    subtree ``prefix`` (the common ancestor's path; "" for the whole city)."""
    by_prefix = figures_by_prefix(prefix, ESTATE_DEPTH * STEP)
    return {e.pk: finished(by_prefix.get(e.jurisdiction.path, {})) for e in estates}


def adoption_table(max_depth: int) -> list[tuple[Jurisdiction, adoption.Adoption]]:
    """The adoption indicators of every node down to ``max_depth`` (the city is depth 1), in
    path order: 3 queries (the nodes, the estates, the votes; 2 once the votes' rows and the
    indicators are cached on their version, ``voting.indicators.adoption_by_prefix``) whatever
    the size of the city."""
    scope = scope_under("", ESTATE_DEPTH * STEP)
    nodes = list(Jurisdiction.objects.filter(depth__lte=max_depth).order_by("path"))
    adoptions = voting_indicators.adoption_by_prefix(
        scope, voting_indicators.counted_adoption_rows(scope), [node.path for node in nodes]
    )
    return [(node, adoptions[node.path]) for node in nodes]
