"""Pages of the shared revenue. Thin: the gate (``portal.permissions.gate``) loads the
object and checks role AND jurisdiction; writes go through ``services``, reads through
``selectors``; a GET never writes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.errors import add_to_form, message_text
from portal.core.pdf import render_pdf, sign_pdf
from portal.core.uploads import serve_private_file
from portal.core.words import half_year_label
from portal.organisations.models import OrgKind
from portal.permissions import gate, scope_q
from property.registry import selectors as registry_selectors
from property.registry.models import Estate

from . import forms, rules, selectors, services
from .models import Category, EntryKind, EntryObjection, RevenueEntry

KINDS = ("income", "cost", "expense", "transfer")


@gate()
def home(request):
    """The estates whose shared revenue the person may see: their own (owner), those they keep
    or govern (staff), each with its balance."""
    user = request.user
    estates = {e.pk: e for e in registry_selectors.estates_of_user(user)}
    for e in registry_selectors.estates_in_scope(user):
        estates.setdefault(e.pk, e)
    rows = [
        {
            "estate": e,
            "balance": selectors.balance(e),
            "can_enter": user.has_perm("revenue.enter", e),
        }
        for e in sorted(estates.values(), key=lambda e: e.code)[:200]
    ]
    return render(
        request,
        "revenue/home.html",
        {"rows": rows, "can_see_late": user.has_perm("revenue.view_late")},
    )


@gate("revenue.view_late")
def late(request):
    """Estates of the person's area whose monthly entries are past their due date."""

    kinds = [OrgKind.STREET_OFFICE, OrgKind.RESIDENTS_COMMITTEE, OrgKind.BUREAU]
    estates = Estate.objects.filter(
        scope_q(request.user, "jurisdiction__path", kinds=kinds)
    ).select_related("company", "jurisdiction")
    return render(
        request,
        "revenue/late.html",
        {
            "late": selectors.late_estates(estates),
            "due_day": services.setting("REVENUE_DUE_DAY"),
        },
    )


@gate("revenue.view_ledger", model=Estate, lookup="code", kwarg="code")
def estate(request, estate):
    user = request.user
    today = timezone.localdate()
    can_enter = user.has_perm("revenue.enter", estate)
    can_answer = user.has_perm("revenue.answer_objection", estate)
    rows = selectors.ledger_rows(estate)
    return render(
        request,
        "revenue/estate.html",
        {
            "estate": estate,
            "settings": selectors.settings_of(estate),
            "balance": selectors.balance(estate),
            "totals": _labelled(selectors.figures_of(estate.revenue_entries.all())),
            "rows": list(reversed(rows)),
            "overdue": selectors.overdue_months(estate, today),
            "filings": selectors.filings(estate)[:12],
            "statements": selectors.statements(estate),
            "publishable": selectors.publishable_halves(estate, today)
            if user.has_perm("revenue.publish", estate)
            else [],
            "can_enter": can_enter,
            "can_configure": user.has_perm("revenue.configure", estate),
            "can_object": user.has_perm("revenue.object", estate),
            "can_answer": can_answer,
            "file_form": forms.FileMonthForm(months=selectors.fileable_months(estate, today))
            if can_enter
            else None,
            "open_objections": selectors.open_objections([estate]) if can_answer else [],
            "answer_form": forms.AnswerForm(),
            "reverse_form": forms.ReverseForm(),
            "due_day": services.setting("REVENUE_DUE_DAY"),
        },
    )


def _labelled(figures: dict) -> dict:

    figures = dict(figures)
    figures["income"] = [(Category(i["category"]).label, i["amount"]) for i in figures["income"]]
    return figures


FORMS = {
    "income": forms.IncomeForm,
    "cost": forms.CostForm,
    "expense": forms.ExpenseForm,
    "transfer": forms.TransferForm,
}


@gate("revenue.enter", model=Estate, lookup="code", kwarg="code")
def enter(request, estate, kind: str):
    if kind not in FORMS:
        raise Http404
    today = timezone.localdate()
    settings_row = selectors.settings_of(estate)
    kwargs = {"months": selectors.open_months(estate, today)}
    if kind == "expense":
        kwargs["votes"] = selectors.deciding_votes(estate)
    form = FORMS[kind](request.POST or None, request.FILES or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if kind == "income":
                services.revenue_income_add(
                    actor=request.user,
                    estate=estate,
                    category=d["category"],
                    period=d["period"],
                    amount=d["amount"],
                    counterparty=d["counterparty"],
                    voucher=d["voucher"],
                    memo=d.get("memo", ""),
                )
            elif kind == "cost":
                services.revenue_cost_add(
                    actor=request.user,
                    estate=estate,
                    period=d["period"],
                    amount=d["amount"],
                    memo=d["memo"],
                    voucher=d.get("voucher"),
                )
            elif kind == "expense":
                services.revenue_expense_add(
                    actor=request.user,
                    estate=estate,
                    period=d["period"],
                    amount=d["amount"],
                    vote=d["vote"],
                    memo=d["memo"],
                    voucher=d.get("voucher"),
                )
            else:
                services.revenue_transfer_to_fund(
                    actor=request.user,
                    estate=estate,
                    period=d["period"],
                    amount=d["amount"],
                    memo=d.get("memo", ""),
                )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The entry is booked."))
            return redirect(request.path)
    return render(
        request,
        "revenue/enter.html",
        {
            "estate": estate,
            "kind": kind,
            "kinds": [(k, EntryKind(k).label) for k in KINDS],
            "form": form,
            # Costs are booked with each income where a percentage is agreed: no cost form.
            "form_open": bool(form.fields["period"].choices)
            and not (kind == "cost" and settings_row.cost_share_percent is not None),
            "settings": settings_row,
            "balance": selectors.balance(estate),
            "recent": list(reversed(selectors.ledger_rows(estate)))[:10],
            "fileable": selectors.fileable_months(estate, today),
            "file_form": forms.FileMonthForm(months=selectors.fileable_months(estate, today)),
            "due_day": services.setting("REVENUE_DUE_DAY"),
        },
    )


@require_POST
@gate("revenue.enter", model=Estate, lookup="code", kwarg="code")
def file_month(request, estate):
    form = forms.FileMonthForm(request.POST, months=selectors.fileable_months(estate))
    if not form.is_valid():
        messages.error(request, _("Choose a month that has ended and is not filed yet."))
    else:
        try:
            filing = services.revenue_month_file(
                actor=request.user, estate=estate, period=form.cleaned_data["period"]
            )
        except ValidationError as exc:
            messages.error(request, message_text(exc))
        else:
            month = filing.period.strftime("%Y-%m")
            if filing.late:
                messages.warning(
                    request,
                    _("%(month)s is filed, after its due date (the %(day)sth of the next month).")
                    % {"month": month, "day": services.setting("REVENUE_DUE_DAY")},
                )
            else:
                messages.success(request, _("%(month)s is filed.") % {"month": month})
    return redirect(_safe_next(request, estate))


def _safe_next(request, estate) -> str:

    target = request.POST.get("next", "")
    allowed = reverse("revenue:enter", args=[estate.code, "income"])
    return target if target == allowed else reverse("revenue:estate", args=[estate.code])


@gate("revenue.configure", model=Estate, lookup="code", kwarg="code")
def estate_settings(request, estate):
    row = selectors.settings_of(estate)
    form = forms.SettingsForm(
        request.POST or None,
        initial={"managed_by": row.managed_by, "cost_share_percent": row.cost_share_percent},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.revenue_settings_set(
                actor=request.user,
                estate=estate,
                managed_by=form.cleaned_data["managed_by"],
                cost_share_percent=form.cleaned_data["cost_share_percent"],
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("revenue:estate", code=estate.code)
    return render(request, "revenue/settings.html", {"estate": estate, "form": form})


@require_POST
@gate("revenue.publish", model=Estate, lookup="code", kwarg="code")
def publish(request, estate):
    try:
        half = rules.parse_half_year(request.POST.get("period", ""))
        services.revenue_statement_publish(actor=request.user, estate=estate, half=half)
    except rules.PeriodError:
        messages.error(request, _("Choose a half-year such as 2026H1."))
    except ValidationError as exc:
        messages.error(request, message_text(exc))
    else:
        messages.success(request, _("The statement is published and posted in the estate."))
        return redirect("revenue:statement", code=estate.code, period=str(half))
    return redirect("revenue:estate", code=estate.code)


def _statement_context(estate, period: str) -> dict:
    try:
        half = rules.parse_half_year(period)
    except rules.PeriodError:
        raise Http404 from None
    published = selectors.statement(estate, str(half))
    figures = published.figures if published else selectors.half_year_figures(estate, half)
    return {
        "estate": estate,
        "half": half,
        "published": published,
        "figures": _labelled(figures),
        "months": figures.get("months", []),
        "lines": selectors.statement_lines(half, estate),
        "generated_at": timezone.now(),
    }


@gate("revenue.view_ledger", model=Estate, lookup="code", kwarg="code")
def statement(request, estate, period: str):
    return render(request, "revenue/statement.html", _statement_context(estate, period))


@gate("revenue.view_ledger", model=Estate, lookup="code", kwarg="code")
def statement_pdf(request, estate, period: str):

    ctx = _statement_context(estate, period)
    if ctx["published"] is None:
        raise Http404
    ctx["title"] = _("Shared revenue statement %(period)s · %(name)s") % {
        "period": half_year_label(ctx["half"]),
        "name": estate.name,
    }
    pdf = sign_pdf(
        render_pdf("pdf/revenue/statement.html", ctx),
        reason=_("Half-yearly statement of the shared revenue"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="revenue-{estate.code}-{ctx["half"]}.pdf"'
    return response


@gate(
    "revenue.view_voucher",
    model=RevenueEntry,
    queryset=lambda: RevenueEntry.objects.select_related("estate"),
)
def voucher(request, entry):
    if not entry.voucher:
        raise Http404
    response = serve_private_file(
        request, entry.voucher, f"voucher-{entry.pk}.{entry.voucher.name.rsplit('.', 1)[-1]}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@gate(
    "revenue.enter",
    model=RevenueEntry,
    queryset=lambda: RevenueEntry.objects.select_related("estate"),
)
def reverse_entry(request, entry):
    form = forms.ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the correction."))
    else:
        try:
            services.revenue_entry_reverse(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, message_text(exc))
        else:
            messages.success(request, _("The entry is reversed."))
    return redirect("revenue:estate", code=entry.estate.code)


@gate(
    "revenue.object",
    model=RevenueEntry,
    queryset=lambda: RevenueEntry.objects.select_related("estate"),
)
def object_entry(request, entry):
    form = forms.ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revenue_objection_file(
                actor=request.user, entry=entry, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your objection is sent to the owners' committee."))
            return redirect("revenue:estate", code=entry.estate.code)
    return render(
        request,
        "revenue/object.html",
        {
            "entry": entry,
            "estate": entry.estate,
            "form": form,
            "days": services.setting("REVENUE_OBJECTION_ANSWER_DAYS"),
        },
    )


@require_POST
@gate(
    "revenue.answer_objection",
    model=EntryObjection,
    queryset=lambda: EntryObjection.objects.select_related("entry__estate"),
)
def answer(request, objection):
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
    else:
        try:
            services.revenue_objection_answer(
                actor=request.user, objection=objection, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            messages.error(request, message_text(exc))
        else:
            messages.success(request, _("The answer is sent."))
    return redirect("revenue:estate", code=objection.entry.estate.code)
