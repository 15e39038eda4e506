"""Pages of the maintenance fund. Thin: permission (role AND jurisdiction) via rules, work in
``services``, reads in ``selectors``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.errors import add_to_form, message_text
from portal.core.pdf import display_width, fixed_width_lines, render_pdf, sign_pdf
from portal.core.templatetags.numbers import format_area, format_money
from portal.permissions import gate, is_staff_person
from property.registry.models import Estate

from . import selectors, services
from .forms import AcceptForm, AnswerForm, NoteForm, ObjectionForm, RequestForm
from .models import Attachment, AttachmentKind, FundAccount, FundRequest, Objection, Status
from .rules import is_estate_staff as rules_is_estate_staff


@gate(public=True)
def landing(request):
    """Public disclosure: publicised projects city-wide (no personal data), and links."""
    return render(
        request,
        "fund/landing.html",
        {
            "projects": selectors.public_projects()[:50],
            "is_staff_person": is_staff_person(request.user),
        },
    )


@gate()
def my_fund(request):
    accounts = list(selectors.owner_accounts(request.user))
    for acc in accounts:
        acc.recent = list(selectors.ledger_entries(acc)[:20])
    return render(
        request,
        "fund/my_fund.html",
        {
            "accounts": accounts,
            "charges": selectors.owner_charges(request.user),
            "projects": selectors.owner_estate_projects(request.user),
            "estates": {a.estate for a in accounts},
        },
    )


@gate(
    "fund.view_ledger",
    model=FundAccount,
    queryset=lambda: FundAccount.objects.select_related("unit"),
)
def ledger(request, account):
    return render(
        request,
        "fund/ledger.html",
        {"account": account, "entries": selectors.ledger_entries(account)},
    )


@gate("fund.view_estate_fund", model=Estate, lookup="code", kwarg="code")
def estate_fund(request, estate):
    year = timezone.localdate().year
    return render(
        request,
        "fund/estate.html",
        {
            "estate": estate,
            "summary": selectors.estate_fund_summary(estate),
            "advances": selectors.advances_outstanding(estate),
            "requests": selectors.requests_for_estate(estate),
            "years": range(year, year - 4, -1),
            "can_submit": request.user.has_perm("fund.submit_request", estate),
            "ledgers": _estate_ledgers(request, estate),
            "ledger_query": request.GET.get("unit", "")[:40],
        },
    )


LEDGER_PAGE_ROWS = 50


def _estate_ledgers(request, estate):
    """A page of the estate's unit ledgers for those who may open any of them (its committee,
    company and government staff); owners see their own ledgers on their own pages."""
    if not rules_is_estate_staff(request.user, estate):
        return None
    query = request.GET.get("unit", "")[:40]
    return Paginator(selectors.estate_ledgers(estate, query=query), LEDGER_PAGE_ROWS).get_page(
        request.GET.get("page")
    )


@gate("fund.view_estate_fund", model=Estate, lookup="code", kwarg="code")
def statement(request, estate, year: int):
    ctx = selectors.annual_statement(estate, year)
    return render(request, "fund/statement.html", ctx)


@gate("fund.view_estate_fund", model=Estate, lookup="code", kwarg="code")
def statement_pdf(request, estate, year: int):

    ctx = selectors.annual_statement(estate, year)
    ctx["title"] = _("Annual fund statement %(year)s · %(name)s") % {
        "year": year,
        "name": estate.name,
    }
    # Each unit's balance as one line of fixed-width text, several units side by side: a
    # cell per figure would take WeasyPrint seconds for an estate of 500 units (docs/pdf.md).
    lines = fixed_width_lines(
        [
            (_("Unit"), _("Area (m²)"), _("Balance (yuan)")),
            *(
                (code, format_area(area, "plain"), format_money(balance, "plain"))
                for code, area, balance in ctx["units"]
            ),
        ],
        align="<>>",
    )
    width = max(display_width(line) for line in lines)
    per_row = 3 if width <= 33 else 2 if width <= 52 else 1  # what fits the page at 9 pt
    ctx["unit_header"] = [lines[0]] * per_row
    rows = [lines[i : i + per_row] for i in range(1, len(lines), per_row)]
    if rows:
        rows[-1] += [""] * (per_row - len(rows[-1]))
    ctx["unit_rows"] = rows
    pdf = sign_pdf(
        render_pdf("pdf/fund/statement.html", ctx),
        reason=_("Annual statement of the maintenance fund"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fund-{estate.code}-{year}.pdf"'
    return response


@gate()
def request_list(request):
    if not is_staff_person(request.user):
        raise PermissionDenied
    estates = [
        e
        for e in selectors.estates_for_staff(request.user)
        if request.user.has_perm("fund.submit_request", e)
    ]
    return render(
        request,
        "fund/request_list.html",
        {"requests": selectors.requests_for_user(request.user)[:200], "submit_estates": estates},
    )


@gate("fund.submit_request", model=Estate, lookup="code", kwarg="code")
def request_new(request, estate):
    form = RequestForm(request.POST or None, request.FILES or None, estate=estate)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        files = [(AttachmentKind.PHOTO, f) for f in d["photos"]]
        if d.get("inspection"):
            files.append((AttachmentKind.INSPECTION, d["inspection"]))
        try:
            req = services.fund_request_submit(
                actor=request.user,
                estate=estate,
                kind=d["kind"],
                category=d["category"],
                title=d["title"],
                description=d["description"],
                scope=d["scope"],
                building=d.get("building"),
                stairwell=d.get("stairwell") or "",
                units=d["units"],
                estimated_cost=d["estimated_cost"],
                contractor=d["contractor"],
                files=files,
            )
        except services.FundError as exc:
            add_to_form(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The request has been filed."))
            return redirect("fund:request", pk=req.pk)
    return render(request, "fund/request_form.html", {"form": form, "estate": estate})


def _actions(user, req):
    can = lambda perm: user.has_perm(perm, req)  # noqa: E731
    s = req.status
    return {
        "approve": s == Status.SUBMITTED and can("fund.review_request"),
        "advance": s == Status.APPROVED and req.kind == "emergency" and can("fund.pay_advance"),
        "accept": s in (Status.APPROVED, Status.ADVANCE_PAID) and can("fund.accept_repair"),
        "publicise": s == Status.ACCEPTED and can("fund.publicise"),
        "object": s == Status.PUBLICISED
        and timezone.now() <= req.publicity_ends
        and can("fund.file_objection"),
        "answer": s == Status.PUBLICISED and can("fund.answer_objection"),
        # Disbursing is offered only once it is allowed: publicity over, every objection
        # answered (the service refuses it otherwise).
        "disburse": s == Status.PUBLICISED
        and req.publicity_ends is not None
        and timezone.now() >= req.publicity_ends
        and not req.objections.filter(answered_at__isnull=True).exists()
        and can("fund.disburse"),
    }


# Steps that move money: the first POST shows what will be paid, a second one (``confirm``)
# pays it.
MONEY_ACTIONS = ("advance", "disburse")


@gate(
    "fund.view_request",
    model=FundRequest,
    queryset=lambda: FundRequest.objects.select_related("estate"),
)
def request_detail(request, req):
    can = _actions(request.user, req)
    return render(
        request,
        "fund/request_detail.html",
        {
            "req": req,
            "can": can,
            # What the reviewer must see before approving: what the scope can pay, and every
            # unit whose share of the estimate would take its ledger below zero.
            "review": selectors.review_position(req) if can["approve"] else None,
            "seen_rows": selectors.shortfall_rows(req.shortfalls_seen),
            "shares": req.shares.select_related("unit").order_by("unit__code"),
            "attachments": req.attachments.all(),
            "objections": req.objections.all(),
            "disbursements": req.disbursements.all(),
            "advance": services.advance_amount(req),
            "note_form": NoteForm(),
            "accept_form": AcceptForm(),
            "objection_form": ObjectionForm(),
            "is_staff_person": is_staff_person(request.user),
        },
    )


def _step_gate(perm: str):
    """The gate of one step of a request: the request, and the step's own permission on it."""
    return gate(
        perm, model=FundRequest, queryset=lambda: FundRequest.objects.select_related("estate")
    )


def _step(request, req: FundRequest, action: str, do) -> HttpResponse:
    """Run one step (``do()``) of a request whose gate has passed: a money step first shows
    what it will pay (``_confirm_money``) until the person confirms; a refusal (a ``FundError``,
    or a file refused by the upload check) becomes the page's error message."""
    if action in MONEY_ACTIONS and request.POST.get("confirm") != "1":
        return _confirm_money(request, req, action)
    try:
        do()
    except ValidationError as exc:
        messages.error(request, message_text(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("fund:request", pk=req.pk)


@require_POST
@_step_gate("fund.review_request")
def request_approve(request, req: FundRequest):
    post = request.POST
    return _step(
        request,
        req,
        "approve",
        lambda: services.fund_request_approve(
            actor=request.user,
            request=req,
            note=post.get("note", ""),
            shortfalls_seen=post.get("shortfalls_seen", ""),  # the ticked confirmation
        ),
    )


@require_POST
@_step_gate("fund.review_request")
def request_reject(request, req: FundRequest):
    note = request.POST.get("note", "")
    return _step(
        request,
        req,
        "reject",
        lambda: services.fund_request_reject(actor=request.user, request=req, note=note),
    )


@require_POST
@_step_gate("fund.pay_advance")
def request_advance(request, req: FundRequest):
    return _step(
        request, req, "advance", lambda: services.fund_advance_pay(actor=request.user, request=req)
    )


@require_POST
@_step_gate("fund.accept_repair")
def request_accept(request, req: FundRequest):
    def accept():
        form = AcceptForm(request.POST, request.FILES)
        if not form.is_valid():
            raise services.FundError(
                "; ".join(str(e) for errs in form.errors.values() for e in errs)
            )
        d = form.cleaned_data
        files = [(AttachmentKind.INVOICE, d["invoice"])] if d.get("invoice") else []
        if d.get("report"):
            files.append((AttachmentKind.ACCEPTANCE, d["report"]))
        services.fund_repair_accept(
            actor=request.user,
            request=req,
            final_cost=d["final_cost"],
            invoice_number=d["invoice_number"],
            files=files,
        )

    return _step(request, req, "accept", accept)


@require_POST
@_step_gate("fund.publicise")
def request_publicise(request, req: FundRequest):
    return _step(
        request, req, "publicise", lambda: services.fund_publicise(actor=request.user, request=req)
    )


@require_POST
@_step_gate("fund.file_objection")
def request_object(request, req: FundRequest):
    text = request.POST.get("text", "")
    return _step(
        request,
        req,
        "object",
        lambda: services.fund_objection_file(actor=request.user, request=req, text=text),
    )


@require_POST
@_step_gate("fund.answer_objection")
def request_answer(request, req: FundRequest):
    def answer():
        form = AnswerForm(request.POST)
        if not form.is_valid():
            raise services.FundError(_("Write the answer."))
        objection = get_object_or_404(Objection, pk=form.cleaned_data["objection"], request=req)
        services.fund_objection_answer(
            actor=request.user, objection=objection, answer=form.cleaned_data["answer"]
        )

    return _step(request, req, "answer", answer)


@require_POST
@_step_gate("fund.disburse")
def request_disburse(request, req: FundRequest):
    return _step(
        request, req, "disburse", lambda: services.fund_disburse(actor=request.user, request=req)
    )


def _confirm_money(request, req, action: str):
    """The confirm step of a money step: the amount, who gets it, what is debited; nothing is
    written until the person confirms."""
    if not _actions(request.user, req)[action]:
        messages.error(request, _("This step is not open now."))
        return redirect("fund:request", pk=req.pk)
    if action == "advance":
        amount = services.advance_amount(req)
    else:
        amount = req.final_cost - req.advance_paid()
    return render(
        request,
        "fund/request_confirm.html",
        {
            "req": req,
            "action": action,
            "post_to": f"fund:request_{action}",
            "amount": amount,
            "shares": req.shares.count() if action == "disburse" else 0,
        },
    )


@gate(
    "fund.view_attachment",
    model=Attachment,
    queryset=lambda: Attachment.objects.select_related("request__estate"),
)
def attachment(request, att):
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    response["Content-Disposition"] = f'inline; filename="attachment-{att.pk}{att.file.name[-4:]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
