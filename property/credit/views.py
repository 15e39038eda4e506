"""Credit pages: public ranking and company pages, the company's own dashboard, the bureau's
records, objections, supervision list and quarterly publication. Views stay thin: they check
the ``credit.*`` perms, then call selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.core.errors import add_to_form, message_text
from portal.core.links import absolute_reverse
from portal.core.pdf import qr_svg, render_pdf, sign_pdf
from portal.core.uploads import extension, serve_private_file
from portal.core.words import quarter_label
from portal.organisations.models import Organisation, OrgKind
from portal.permissions import gate, organisation_ids
from property.registry.selectors import parties_of_user

from . import manager_selectors, selectors, services
from .charts import PAGE_CHART, history_chart
from .complaint_selectors import company_quarters
from .forms import (
    ObjectionForm,
    PublishForm,
    RankingFilterForm,
    RecordAddForm,
    RulingForm,
    SurveyForm,
)
from .models import CreditRecord, Objection, SatisfactionAnswer
from .scoring import Reason

PAGE_SIZE = 50


def _company(credit_code: str) -> Organisation:
    return get_object_or_404(Organisation, kind=OrgKind.PROPERTY_COMPANY, credit_code=credit_code)


# ---- public ---------------------------------------------------------------------------------


@gate(public=True)
def ranking(request):
    """The latest published quarter's ranked list, filtered by district and grade."""
    publication = selectors.latest_publication()
    form = RankingFilterForm(request.GET or None)
    district = grade = None
    if form.is_bound and form.is_valid():
        district, grade = form.cleaned_data["district"], form.cleaned_data["grade"]
    page = None
    where = {}
    blacklisted = 0
    if publication:
        qs = selectors.public_ranking(publication, district=district, grade=grade)
        blacklisted = qs.filter(blacklisted=True).count()
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        where = selectors.company_districts(r.company_id for r in page.object_list)
        offset = page.start_index()
        for n, rating in enumerate(page.object_list):
            rating.rank = offset + n
            rating.districts = where.get(rating.company_id, [])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "credit/ranking.html",
        {
            "publication": publication,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "blacklisted": blacklisted,
        },
    )


def _company_context(company: Organisation) -> dict:
    history = selectors.rating_history(company)
    return {
        "managers_now": list(manager_selectors.current_assignments(company=company)),
        "company": company,
        "rating": selectors.current_rating(company),
        "history": history,
        "chart": history_chart(history),
        "records": selectors.records_in_force(company),
        "districts": selectors.company_districts([company.pk]).get(company.pk, []),
        "today": timezone.localdate(),
    }


@gate(public=True)
def company(request, credit_code: str):
    """A company's public page: grade, score history (chart and table), records in force."""
    context = _company_context(_company(credit_code))
    context["chart"] = history_chart(context["history"], **PAGE_CHART)
    context["complaint_quarters"] = company_quarters(context["company"])
    return render(request, "credit/company.html", context)


@gate(public=True)
def report_pdf(request, credit_code: str):
    """The company's credit report as a signed PDF: grade, score history chart, records."""

    company = _company(credit_code)
    verify_url = absolute_reverse("credit:company", credit_code)
    context = {
        **_company_context(company),
        "title": _("Credit report: %(company)s") % {"company": company.name},
        "issued_at": timezone.localtime(),
        "verify_url": verify_url,
        "qr": qr_svg(verify_url),
    }
    pdf = sign_pdf(render_pdf("pdf/credit/report.html", context), reason=_("Credit report"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="credit-{company.credit_code}.pdf"'
    return response


# ---- the company's own dashboard -------------------------------------------------------------

# Lazy: translated when a page shows them, in its reader's language (not once at import).
REASON_TEXT = {
    Reason.IN_FORCE: gettext_lazy("counts: in force"),
    Reason.PENDING: gettext_lazy("does not count yet: in its notice and objection period"),
    Reason.REVOKED: gettext_lazy("never counts: revoked"),
    Reason.EXPIRED: gettext_lazy("no longer counts: validity ran out"),
    Reason.NOT_YET_EFFECTIVE: gettext_lazy("does not count yet: takes effect later"),
}


@gate("credit.view_own")
def mine(request):
    """The company's own score, with each record, point and date that makes it up."""
    ids = organisation_ids(request.user, OrgKind.PROPERTY_COMPANY)
    my_companies = list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    chosen = request.GET.get("company")
    company = next((c for c in my_companies if str(c.pk) == chosen), my_companies[0])
    today = timezone.localdate()
    inputs, breakdown, records = selectors.company_breakdown(company, today)
    lines = []
    for e in breakdown.explanations:
        record = records[int(e.record.code)]
        lines.append(
            {
                "record": record,
                "counts": e.counts,
                "reason": e.reason,
                "reason_text": REASON_TEXT[e.reason],
                "first_day": e.first_day,
                "last_day": e.last_day,
                "signed": record.signed_points,
            }
        )
    lines.sort(key=lambda ln: (not ln["counts"], ln["record"].occurred_on), reverse=False)
    return render(
        request,
        "credit/mine.html",
        {
            "company": company,
            "companies": my_companies,
            "inputs": inputs,
            "b": breakdown,
            "lines": lines,
            "pending": selectors.pending_records(company),
            "rating": selectors.current_rating(company),
            "today": today,
            "objection_form": ObjectionForm(),
            "complaint_quarters": company_quarters(company),
        },
    )


@gate(
    "credit.object",
    model=CreditRecord,
    queryset=lambda: CreditRecord.objects.select_related("company", "item"),
)
@require_http_methods(["GET", "POST"])
def record_object(request, record: CreditRecord):
    """The company objects to one of its pending records (before the deadline)."""
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_objection_file(
                actor=request.user,
                record=record,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
            )
        except services.CreditError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your objection has been filed."))
            return redirect(f"{_mine_url()}?company={record.company_id}")
    return render(request, "credit/object.html", {"record": record, "form": form}, status=200)


def _mine_url() -> str:
    return reverse("credit:mine")


# ---- government staff -------------------------------------------------------------------------


@gate("credit.add_record")
@require_http_methods(["GET", "POST"])
def record_add(request):
    """Government staff add a record for a company in their jurisdiction."""
    form = RecordAddForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        probe = CreditRecord(company=data["company"], estate=data["estate"])
        if not request.user.has_perm("credit.add_record", probe):
            form.add_error(
                "estate", _("You may only add records for estates in your jurisdiction.")
            )
        else:
            try:
                record = services.credit_record_add(
                    actor=request.user,
                    company=data["company"],
                    estate=data["estate"],
                    item=data["item"],
                    occurred_on=data["occurred_on"],
                    summary=data["summary"],
                    evidence=data["evidence"],
                    manager=data["manager"],
                )
            except services.CreditError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Record added. The company may object until %(date)s.")
                    % {"date": record.objection_deadline.isoformat()},
                )
                return redirect("credit:record_add")
    return render(request, "credit/record_add.html", {"form": form})


@gate("credit.rule_objection")
def objections(request):
    """Open objections the bureau user governs."""
    rows = [
        o for o in selectors.open_objections() if request.user.has_perm("credit.rule_objection", o)
    ]
    return render(request, "credit/objections.html", {"objections": rows})


@gate(
    "credit.rule_objection",
    model=Objection,
    queryset=lambda: Objection.objects.select_related(
        "record__company", "record__item", "record__estate"
    ),
)
@require_http_methods(["GET", "POST"])
def objection_detail(request, objection: Objection):
    """The bureau upholds the record (objection rejected) or revokes it (objection accepted)."""
    form = RulingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = (
            services.credit_objection_uphold
            if form.cleaned_data["decision"] == "uphold"
            else services.credit_objection_accept
        )
        try:
            service(actor=request.user, objection=objection, note=form.cleaned_data["note"])
        except services.CreditError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("credit:objections")
    return render(request, "credit/objection_detail.html", {"objection": objection, "form": form})


@gate(
    "credit.view_record_evidence",
    model=CreditRecord,
    queryset=lambda: CreditRecord.objects.select_related("company", "estate"),
)
def record_evidence(request, record: CreditRecord):
    """The evidence attached to a record, for the company concerned and the staff governing it."""
    return serve_private_file(
        request, record.evidence, f"record-{record.pk}-evidence.{extension(record.evidence.name)}"
    )


@gate(
    "credit.view_objection_evidence",
    model=Objection,
    queryset=lambda: Objection.objects.select_related("record__company"),
)
def objection_evidence(request, objection: Objection):
    """The evidence a company attached to its objection, for that company and the bureau."""
    return serve_private_file(
        request,
        objection.evidence,
        f"objection-{objection.pk}-evidence.{extension(objection.evidence.name)}",
    )


@gate("credit.view_supervision")
def supervision(request):
    """The blacklist and companies past a supervision threshold (warning, interview, ban)."""
    rows = list(selectors.supervision_list())
    return render(
        request,
        "credit/supervision.html",
        {
            "blacklist": [r for r in rows if r.blacklisted],
            "supervised": [r for r in rows if r.supervision != "none"],
            "managers": manager_selectors.supervised_managers(),
        },
    )


@gate("credit.publish")
@require_http_methods(["GET", "POST"])
def publish(request):
    """The bureau publishes a quarter's ranking."""
    today = timezone.localdate()
    form = PublishForm(
        request.POST or None, initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    )
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.credit_quarter_publish(
                actor=request.user,
                year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"],
            )
        except services.CreditError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Published %(period)s (ratings as of %(date)s).")
                % {
                    "period": quarter_label(publication.year, publication.quarter),
                    "date": publication.as_of.isoformat(),
                },
            )
            return redirect("credit:ranking")
    return render(
        request,
        "credit/publish.html",
        {"form": form, "publication": selectors.latest_publication()},
    )


# ---- owners ---------------------------------------------------------------------------------


@gate()
@require_http_methods(["GET", "POST"])
def survey(request):
    """Verified owners rate their estate's company once a year (satisfied or not). Who may is
    the user's own parties (none: 403), a query of the user the gate cannot express."""
    year = timezone.localdate().year
    parties = list(
        parties_of_user(request.user).select_related("estate__company").order_by("estate__name")
    )
    if not parties:
        raise PermissionDenied
    answered = set(
        SatisfactionAnswer.objects.filter(year=year, party__in=parties).values_list(
            "party_id", flat=True
        )
    )
    rows = [
        {"party": p, "answered": p.pk in answered, "form": SurveyForm(prefix=f"p{p.pk}")}
        for p in parties
        if p.estate.company_id
    ]
    if request.method == "POST":
        party = next((p for p in parties if str(p.pk) == request.POST.get("party")), None)
        if party is None:
            raise PermissionDenied
        form = SurveyForm(request.POST, prefix=f"p{party.pk}")
        if form.is_valid():
            try:
                services.credit_survey_answer(
                    actor=request.user,
                    party=party,
                    satisfied=form.cleaned_data["satisfied"],
                    year=year,
                )
            except services.CreditError as exc:
                messages.error(request, message_text(exc))
            else:
                messages.success(request, _("Thank you: your answer has been recorded."))
            return redirect("credit:survey")
        for row in rows:
            if row["party"].pk == party.pk:
                row["form"] = form
    return render(request, "credit/survey.html", {"rows": rows, "year": year})
