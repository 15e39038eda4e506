"""Dashboards: the landing page, a node's supervision dashboard and its exports, the resident's
and the company's own dashboards. Views stay thin: figures come from ``selectors``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.organisations.models import Jurisdiction, OrgKind
from portal.permissions import gate, highest_level_path, organisation_ids
from property.credit import complaint_selectors

from . import exports, selectors

# The gate of a node's pages: the node named by ``code``, ``dashboards.view_node`` on it.
node_view = gate("dashboards.view_node", model=Jurisdiction, lookup="code", kwarg="code")


@gate()
def landing(request):
    """Send each user to their own dashboard: government staff to their highest governed node,
    company staff to the company dashboard, an owners' committee to its estate, owners to theirs."""
    user = request.user
    path = highest_level_path(user)
    if path is None and organisation_ids(user, OrgKind.OWNERS_COMMITTEE):
        path = highest_level_path(user, kinds=[OrgKind.OWNERS_COMMITTEE])
    if path is not None:
        node = Jurisdiction.objects.get(path=path)
        return redirect("dashboards:node", code=node.code)
    if organisation_ids(user, OrgKind.PROPERTY_COMPANY):
        return redirect("dashboards:company")
    return redirect("dashboards:me")


def _crumbs(request, dash: selectors.NodeDashboard) -> list[tuple[Jurisdiction, bool]]:
    """The node's ancestors, each with whether the user may open its dashboard."""
    return [(a, request.user.has_perm("dashboards.view_node", a)) for a in dash.ancestors]


@node_view
def node_dashboard(request, node):
    dash = selectors.node_dashboard(node)
    return render(
        request,
        "dashboards/node.html",
        {
            "dash": dash,
            "node": node,
            "crumbs": _crumbs(request, dash),
            "indicators": selectors.visible_indicators(),
            "indicator_groups": selectors.indicator_groups(),
            "children_charts": selectors.children_charts(dash),
            "complaints": _complaints(request, dash),
        },
    )


def _complaints(request, dash) -> dict:
    """Complaints per 1,000 units this quarter under the node (issue 19), ten of each."""
    year, quarter = complaint_selectors.current_quarter()
    by_company, by_estate = dash.complaints
    return {
        "year": year,
        "quarter": quarter,
        "by_company": by_company[:10],
        "by_estate": by_estate[:10],
        "more": request.user.has_perm("credit.view_complaints"),
    }


def _filename(node: Jurisdiction, ext: str) -> str:
    return f"dashboard-{node.code}.{ext}"


@node_view
def export_csv(request, node):
    tables = exports.dashboard_tables(selectors.node_dashboard(node))
    # BOM so that spreadsheet programs read the Chinese text as UTF-8.
    body = "\ufeff" + exports.to_csv(tables)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(node, "csv")}"'
    return response


@node_view
def export_xlsx(request, node):
    tables = exports.dashboard_tables(selectors.node_dashboard(node))
    response = HttpResponse(
        exports.to_xlsx(tables),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(node, "xlsx")}"'
    return response


@gate()
def me(request):
    """The resident's dashboard: their units, votes, fund ledger and notices."""
    context = selectors.resident_overview(request.user)
    return render(request, "dashboards/me.html", context)


@gate()
def company(request):
    """The property company's dashboard: its estates with their figures, rating and records."""
    company_ids = organisation_ids(request.user, OrgKind.PROPERTY_COMPANY)
    if not company_ids:
        raise PermissionDenied(_("This page is for property company staff."))
    context = selectors.company_overview(request.user, company_ids)
    context["indicators"] = [
        i for i in selectors.visible_indicators() if i.key not in selectors.COMPANY_HIDDEN
    ]
    return render(request, "dashboards/company.html", context)
