"""Read-side of the supervision dashboards: a node's indicators and its children's, with their
charts, lists and adoption figures, and the resident's and the company's own pages.

The figures are not computed here: each domain app computes its own in its ``indicators``
module, and ``portal.indicators`` composes them (the catalogue, the scope query, the sources),
the same composition the API reads. This module puts a page together from them; nothing here
writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.selectors import notices_for_estate
from portal.core.indicators import Extras
from portal.core.templatetags.numbers import format_money
from portal.indicators import (
    INDICATORS,
    Row,
    estate_figures,
    indicator_groups,
    node_figures,
    visible_indicators,
)
from portal.organisations.models import Jurisdiction, Organisation
from property.credit.indicators import complaint_densities
from property.credit.selectors import current_rating, pending_records
from property.fund.selectors import owner_accounts, requests_for_user
from property.registry.models import Estate
from property.registry.selectors import estates_of_user, parties_of_user, units_of_user
from voting import adoption
from voting.indicators import adoption_by_prefix
from voting.selectors import open_votes, parties_entries

# The composition's catalogue is read by the views through this module as well.
__all__ = [
    "COMPANY_HIDDEN",
    "NodeDashboard",
    "children_charts",
    "company_overview",
    "indicator_groups",
    "node_dashboard",
    "resident_overview",
    "visible_indicators",
]


# ---- the dashboard of a node -----------------------------------------------------------------


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


def node_dashboard(node: Jurisdiction) -> NodeDashboard:
    """The indicators of the node's subtree and of each child's subtree (drill-down rows), the
    sources' charts and lists, the adoption figures and the complaint densities.

    Queries: the ancestors and children (1) plus each figure source's grouped queries,
    whatever the size of the subtree (``portal.indicators.node_figures``); the adoption figures
    (cached with the voting figures, ``voting.indicators.adoption_by_prefix``) and the
    complaint densities come from the same scope, no query of their own.
    """
    extras = Extras()
    figures = node_figures(node, extras)
    children = [r.node.path for r in figures.children]
    adoptions = adoption_by_prefix(extras.scope, extras.adoption_votes, [node.path, *children])
    return NodeDashboard(
        node=node,
        total=figures.total,
        children=figures.children,
        breakdowns=extras.breakdowns,
        lists=extras.lists,
        ancestors=figures.ancestors,
        adoption=adoptions[node.path],
        children_adoption={path: adoptions[path] for path in children},
        complaints=complaint_densities(extras.scope),
    )


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
    units = list(units_of_user(user).order_by("estate__code", "code"))
    estates = list(estates_of_user(user).select_related("jurisdiction").order_by("code"))
    sections = []
    accounts = []
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
    companies = list(Organisation.objects.filter(pk__in=company_ids).order_by("name"))
    estates = list(
        Estate.objects.filter(company_id__in=company_ids)
        .select_related("jurisdiction", "company")
        .order_by("code")
    )
    figures = estate_figures(estates) if estates else {}
    top_sections, sections = [], []
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
