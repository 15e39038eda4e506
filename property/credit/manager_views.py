"""Project managers' pages: the public list and page of each manager, and the company's own
page where its staff register managers and enter the estates they manage. Views stay thin:
the gate checks ``credit.manage_managers`` on the object, then selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.core.errors import add_to_form
from portal.organisations.models import Organisation, OrgKind
from portal.permissions import gate, organisation_ids

from . import manager_selectors as selectors
from . import manager_services as services
from .manager_forms import AssignForm, EndForm, ManagerRegisterForm, ManagerSearchForm
from .models import ManagerAssignment, ProjectManager

PAGE_SIZE = 50


# ---- public ---------------------------------------------------------------------------------


@gate(public=True)
def manager_list(request):
    """Every registered manager (search by name or qualification number): company, estates
    managed now, score, grade and any ban in force."""
    form = ManagerSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    page = Paginator(selectors.search_managers(query), PAGE_SIZE).get_page(request.GET.get("page"))
    managers = list(page.object_list)
    standing = selectors.standings(managers)
    current = {}
    for a in selectors.current_assignments().filter(manager__in=managers):
        current.setdefault(a.manager_id, []).append(a.estate)
    rows = [
        {
            "manager": m,
            "masked": selectors.masked(m),
            "standing": standing[m.pk],
            "estates": current.get(m.pk, []),
        }
        for m in managers
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "credit/managers/list.html",
        {"form": form, "page": page, "rows": rows, "query": params.urlencode()},
    )


@gate(public=True)
def manager_detail(request, pk: int):
    """A manager's public page: company, score and grade today, any ban, the estates managed
    with their periods, the records in force (no summaries, no evidence)."""
    manager = get_object_or_404(ProjectManager.objects.select_related("company"), pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "credit/managers/detail.html",
        {
            "manager": manager,
            "masked": selectors.masked(manager),
            "standing": selectors.standing(manager, today),
            "assignments": selectors.assignments_of(manager),
            "records": selectors.manager_records_in_force(manager, today),
            "today": today,
        },
    )


# ---- the company's staff --------------------------------------------------------------------


def _my_companies(user):
    ids = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    return Organisation.objects.filter(pk__in=ids, kind=OrgKind.PROPERTY_COMPANY).order_by("name")


@gate("credit.manage_managers")
def managers_mine(request):
    """The company's managers: their standing, the estates they manage, and the links to
    register a manager, assign one to an estate and end an assignment."""
    companies = list(_my_companies(request.user))
    chosen = request.GET.get("company")
    company = next((c for c in companies if str(c.pk) == chosen), companies[0])
    managers = list(selectors.company_managers(company))
    standing = selectors.standings(managers)
    today = timezone.localdate()
    by_manager = {}
    for a in ManagerAssignment.objects.filter(manager__in=managers).select_related("estate"):
        by_manager.setdefault(a.manager_id, []).append(a)
    rows = [
        {
            "manager": m,
            "standing": standing[m.pk],
            "assignments": sorted(by_manager.get(m.pk, []), key=lambda a: a.start, reverse=True),
        }
        for m in managers
    ]
    estates = list(company.managed_estates.order_by("name"))
    current = {a.estate_id: a.manager for a in selectors.current_assignments(company=company)}
    return render(
        request,
        "credit/managers/mine.html",
        {
            "company": company,
            "companies": companies,
            "rows": rows,
            "estates": [(e, current.get(e.pk)) for e in estates],
            "today": today,
        },
    )


def _mine_url(company_id: int) -> str:
    return f"{reverse('credit:managers_mine')}?company={company_id}"


@gate("credit.manage_managers")
@require_http_methods(["GET", "POST"])
def manager_register(request):
    """The company registers a manager by name and qualification number."""
    companies = _my_companies(request.user)
    form = ManagerRegisterForm(request.POST or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            manager = services.manager_register(
                actor=request.user,
                company=data["company"],
                name=data["name"],
                qualification_number=data["qualification_number"],
            )
        except services.ManagerError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Now enter the estates they manage.")
                % {"name": manager.name},
            )
            return redirect("credit:manager_assign", manager.pk)
    return render(request, "credit/managers/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
@gate(
    "credit.manage_managers",
    model=ProjectManager,
    queryset=lambda: ProjectManager.objects.select_related("company"),
)
def manager_assign(request, manager: ProjectManager):
    """The company puts its manager in charge of one of its estates from a date."""
    form = AssignForm(request.POST or None, company=manager.company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.manager_assign(
                actor=request.user,
                manager=manager,
                estate=data["estate"],
                start=data["start"],
                end=data["end"],
            )
        except services.ManagerError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s manages %(estate)s from %(date)s.")
                % {
                    "name": manager.name,
                    "estate": data["estate"].name,
                    "date": data["start"].isoformat(),
                },
            )
            return redirect(_mine_url(manager.company_id))
    return render(
        request,
        "credit/managers/assign.html",
        {"manager": manager, "form": form, "standing": selectors.standing(manager)},
    )


@require_http_methods(["GET", "POST"])
@gate(
    "credit.manage_managers",
    model=ManagerAssignment,
    queryset=lambda: ManagerAssignment.objects.select_related("manager", "estate", "company"),
)
def assignment_end(request, assignment: ManagerAssignment):
    """The company enters the last day a manager is in charge of an estate."""
    form = EndForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.manager_assignment_end(
                actor=request.user, assignment=assignment, end=form.cleaned_data["end"]
            )
        except services.ManagerError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The end of the assignment is recorded."))
            return redirect(_mine_url(assignment.company_id))
    return render(request, "credit/managers/end.html", {"assignment": assignment, "form": form})
