"""Complaint pages: the bureau's import and rules, the street office's queue of unmatched
tickets, the complaint figures per 1,000 units, and the owners' quarterly rating.

Each view is gated by a ``credit.*`` perm (role) and, for objects, by jurisdiction
(``governs``), like the neighbouring credit views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.errors import message_text
from portal.organisations.models import Jurisdiction, OrgKind
from portal.permissions import gate, highest_level_path, scope_q
from property.registry.importer import ImportFileError, open_table
from property.registry.selectors import parties_of_user

from . import complaint_selectors as cs
from . import complaint_services
from .complaint_forms import AssignForm, RatingForm, RunRulesForm, TicketFileForm
from .complaint_import import ALIASES, COLUMNS, PERSONAL
from .models import ComplaintProposal, ComplaintRule, ComplaintTicket

COLUMN_GUIDE = [
    (column, " / ".join(chinese for chinese, name in ALIASES.items() if name == column))
    for column in COLUMNS
]


def _bureau_node(user) -> Jurisdiction:
    return Jurisdiction.objects.get(path=highest_level_path(user, kinds=[OrgKind.BUREAU]))


@gate("credit.import_complaints")
@require_http_methods(["GET", "POST"])
def complaints_import(request):
    """The bureau imports a CSV/XLSX of hotline tickets: all or nothing, with row errors."""
    node = _bureau_node(request.user)
    form = TicketFileForm(request.POST or None, request.FILES or None)
    errors, more = [], 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = open_table(upload.file, upload.name)
            batch, plan = complaint_services.complaint_tickets_import(
                actor=request.user,
                node=node,
                headers=table.headers,
                rows=table.rows,
                filename=upload.name,
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        except complaint_services.ComplaintImportError as exc:
            form.add_error(None, message_text(exc))
            errors = [str(e) for e in exc.plan.errors[:200]]
            more = max(len(exc.plan.errors) - 200, 0)
        except complaint_services.ComplaintError as exc:
            form.add_error(None, message_text(exc))
        else:
            messages.success(
                request,
                _(
                    "Imported %(created)s tickets; %(duplicates)s duplicates skipped; "
                    "%(unmatched)s without estate wait for the street office."
                )
                % {
                    "created": batch.created,
                    "duplicates": len(batch.duplicates),
                    "unmatched": batch.unmatched,
                },
            )
            if plan.ignored:
                messages.info(
                    request,
                    _("Columns not kept: %(columns)s.") % {"columns": ", ".join(plan.ignored)},
                )
            return redirect("credit:complaints_import")
    return render(
        request,
        "credit/complaints_import.html",
        {
            "form": form,
            "node": node,
            "errors": errors,
            "more": more,
            "guide": COLUMN_GUIDE,
            "personal": sorted(PERSONAL),
            "batches": cs.recent_batches(scope_q(request.user, "node__path")),
        },
    )


@gate("credit.view_complaints")
def complaints_overview(request):
    """Complaints per 1,000 units by company and estate in the user's area, for a quarter, and
    the rules with what they proposed."""
    node = Jurisdiction.objects.get(path=highest_level_path(request.user))
    form = RunRulesForm(request.GET or None)
    year, quarter = cs.current_quarter()
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    by_company, by_estate = cs.per_thousand_units(node.path, year=year, quarter=quarter)
    proposals = (
        ComplaintProposal.objects.filter(estate__jurisdiction__path__startswith=node.path)
        .select_related("rule", "record__company", "estate")
        .order_by("-year", "-quarter", "-pk")[:30]
    )
    return render(
        request,
        "credit/complaints_overview.html",
        {
            "node": node,
            "form": form,
            "year": year,
            "quarter": quarter,
            "by_company": by_company,
            "by_estate": by_estate,
            "proposals": proposals,
            "rules": ComplaintRule.objects.select_related("item"),
            "run_form": RunRulesForm(),
            "may_run": request.user.has_perm("credit.import_complaints"),
            "unmatched": cs.unmatched_tickets(scope_q(request.user, "node__path")).count(),
        },
    )


@gate("credit.import_complaints")
@require_POST
def complaints_run(request):
    """The bureau runs the complaint rules for a quarter over its area, by hand."""
    form = RunRulesForm(request.POST)
    if form.is_valid():
        try:
            created = complaint_services.complaint_rules_run(
                actor=request.user,
                year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"],
                node=_bureau_node(request.user),
            )
        except complaint_services.ComplaintError as exc:
            messages.error(request, message_text(exc))
        else:
            messages.success(
                request,
                _("%(n)s records proposed; each goes through notice and objection.")
                % {"n": len(created)},
            )
    else:
        messages.error(request, _("Choose a year and a quarter."))
    return redirect("credit:complaints")


@gate("credit.assign_complaint")
def complaints_unmatched(request):
    """Tickets whose address matched no estate, in the user's area, to assign."""
    tickets = list(cs.unmatched_tickets(scope_q(request.user, "node__path"))[:200])
    form = AssignForm(user=request.user)
    return render(request, "credit/complaints_unmatched.html", {"tickets": tickets, "form": form})


@gate(
    "credit.assign_complaint",
    model=ComplaintTicket,
    queryset=lambda: ComplaintTicket.objects.select_related("node"),
)
@require_POST
def complaint_assign(request, ticket: ComplaintTicket):
    """Give one unmatched ticket its estate (both in the user's area). The gate checks the
    ticket; the estate comes from the form, so its own check stays here."""
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose an estate of your area."))
        return redirect("credit:complaints_unmatched")
    estate = form.cleaned_data["estate"]
    if not request.user.has_perm("credit.assign_complaint", estate):
        raise PermissionDenied
    try:
        complaint_services.complaint_ticket_assign(actor=request.user, ticket=ticket, estate=estate)
    except complaint_services.ComplaintError as exc:
        messages.error(request, message_text(exc))
    else:
        messages.success(
            request,
            _("Ticket %(number)s assigned to %(estate)s.")
            % {"number": ticket.number, "estate": estate.name},
        )
    return redirect("credit:complaints_unmatched")


@gate()
@require_http_methods(["GET", "POST"])
def rate(request):
    """Verified owners rate their estate's company once per quarter (1-5 stars, a reason). Who
    may is the user's own parties (none: 403), a query of the user the gate cannot express."""
    parties = list(
        parties_of_user(request.user).select_related("estate__company").order_by("estate__name")
    )
    if not parties:
        raise PermissionDenied
    today = timezone.localdate()
    year, quarter = cs.current_quarter(today)
    done = cs.ratings_done(parties, year, quarter)
    rows = [
        {"party": p, "rating": done.get(p.pk), "form": RatingForm(prefix=f"p{p.pk}")}
        for p in parties
        if p.estate.company_id
    ]
    if request.method == "POST":
        party = next((p for p in parties if str(p.pk) == request.POST.get("party")), None)
        if party is None:
            raise PermissionDenied
        form = RatingForm(request.POST, prefix=f"p{party.pk}")
        if form.is_valid():
            try:
                complaint_services.owner_rating_submit(
                    actor=request.user,
                    party=party,
                    stars=form.cleaned_data["stars"],
                    reason=form.cleaned_data["reason"],
                    today=today,
                )
            except complaint_services.ComplaintError as exc:
                messages.error(request, message_text(exc))
            else:
                messages.success(request, _("Thank you: your rating has been recorded."))
            return redirect("credit:rate")
        for row in rows:
            if row["party"].pk == party.pk:
                row["form"] = form
    return render(request, "credit/rate.html", {"rows": rows, "year": year, "quarter": quarter})
