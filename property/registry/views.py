"""Registry pages: the owner's "my property", claims, and the staff estate pages.

Views stay thin: they check role and jurisdiction (``registry.*`` perms), then call selectors
and services. Anonymous visitors are sent to sign in; a signed-in user without the right on
the object gets 403.
"""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import ClaimForm, ImportForm, RejectForm
from .importer import ImportFileError, RowError, plan_import, read_table
from .models import ClaimStatus, Estate, OwnerClaim

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


ESTATE_PAGE_ROWS = 50


def _estate(request, code: str, perm: str) -> Estate:
    estate = get_object_or_404(Estate.objects.select_related("company", "jurisdiction"), code=code)
    if not request.user.has_perm(perm, estate):
        raise PermissionDenied
    return estate


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# ---- owners and residents ------------------------------------------------------------------


@login_required
def my_property(request):
    """我的房产: my units, areas, co-owners (names only), verification status, my claims."""
    holdings = selectors.my_holdings(request.user)
    return render(
        request,
        "registry/my_property.html",
        {
            "holdings": holdings,
            "verified": bool(holdings),
            "claims": selectors.claims_of_user(request.user)[:20],
        },
    )


@login_required
def claim_list(request):
    return render(
        request, "registry/claim_list.html", {"claims": selectors.claims_of_user(request.user)}
    )


@login_required
def claim_new(request):
    if not request.user.has_perm("registry.submit_claim"):
        raise PermissionDenied
    own = list(selectors.estates_of_user(request.user)[:2])
    initial = {"estate": own[0].pk} if len(own) == 1 else {}
    form = ClaimForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.claim_submit(
                user=request.user,
                estate=data["estate"],
                units=data["units"],
                name=data["name"],
                identity_number=data["identity_number"],
                proof=data["proof"],
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Your claim was submitted. You will see here when it is decided.")
            )
            return redirect("registry:claim_list")
    return render(request, "registry/claim_form.html", {"form": form})


@login_required
def claim_unit_codes(request):
    """Unit codes of one estate (JSON), to suggest in the claim form. Codes are not personal."""
    if not request.user.has_perm("registry.submit_claim"):
        raise PermissionDenied
    estate_id = request.GET.get("estate", "")
    if not estate_id.isdigit():
        raise Http404
    estate = get_object_or_404(Estate, pk=estate_id)
    return JsonResponse(
        {"units": list(estate.units.order_by("code").values_list("code", flat=True))}
    )


@login_required
def claim_proof(request, pk: int):
    """Serve a claim's proof file to the claimant and the estate's verifiers only."""
    claim = get_object_or_404(OwnerClaim.objects.select_related("estate"), pk=pk)
    if not request.user.has_perm("registry.view_claim", claim):
        raise PermissionDenied
    try:
        handle = claim.proof.open("rb")
    except FileNotFoundError:
        raise Http404
    ext = PurePath(claim.proof.name).suffix.lower()
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
        filename=f"claim-{claim.pk}{ext}",
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- staff ----------------------------------------------------------------------------------


@login_required
def estate_list(request):
    estates = selectors.estates_in_scope(request.user)
    if not estates.exists():
        raise PermissionDenied
    return render(request, "registry/estate_list.html", {"estates": estates})


@login_required
def estate_detail(request, code: str):
    estate = _estate(request, code, "registry.view_estate")
    units = (
        selectors.current_ownerships(estate)
        .select_related("unit__building", "party")
        .order_by("unit__code")
    )
    user = request.user
    # 50 rows a table and page (an estate of 512 parties took 1.7 s to show on one page);
    # each table has its own page number in the query, kept by the other table's pager.
    parties = Paginator(selectors.estate_parties(estate), ESTATE_PAGE_ROWS)
    return render(
        request,
        "registry/estate_detail.html",
        {
            "estate": estate,
            "totals": selectors.estate_totals(estate),
            "units": Paginator(units, ESTATE_PAGE_ROWS).get_page(request.GET.get("units")),
            "parties": parties.get_page(request.GET.get("parties")),
            "can_verify": user.has_perm("registry.verify_claims", estate),
            "can_import": user.has_perm("registry.import_registry", estate),
            "can_export": user.has_perm("registry.export_registry", estate),
            "pending": selectors.claims_for_estate(estate, ClaimStatus.PENDING).count(),
        },
    )


@login_required
def claim_queue(request, code: str):
    estate = _estate(request, code, "registry.verify_claims")
    status = request.GET.get("status", ClaimStatus.PENDING)
    if status not in ClaimStatus.values:
        status = ClaimStatus.PENDING
    claims = list(selectors.claims_for_estate(estate, status))
    for claim in claims:
        claim.match = claim.registry_match() if claim.status == ClaimStatus.PENDING else None
    return render(
        request,
        "registry/claim_queue.html",
        {"estate": estate, "claims": claims, "status": status, "statuses": ClaimStatus.choices},
    )


def _claim_of_estate(request, code: str, pk: int) -> tuple[Estate, OwnerClaim]:
    estate = _estate(request, code, "registry.verify_claims")
    claim = get_object_or_404(OwnerClaim.objects.select_related("user"), pk=pk, estate=estate)
    return estate, claim


@login_required
def claim_review(request, code: str, pk: int):
    estate, claim = _claim_of_estate(request, code, pk)
    match = claim.registry_match()
    return render(
        request,
        "registry/claim_review.html",
        {
            "estate": estate,
            "claim": claim,
            "match": match,
            "name_differs": bool(match and match.name != claim.name),
            "reject_form": RejectForm(),
        },
    )


@login_required
@require_POST
def claim_decide(request, code: str, pk: int):
    estate, claim = _claim_of_estate(request, code, pk)
    action = request.POST.get("action")
    try:
        if action == "verify":
            services.claim_verify(actor=request.user, claim=claim)
            messages.success(request, _("The claim was verified."))
        elif action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the reason for rejecting the claim."))
                return redirect("registry:claim_review", code=estate.code, pk=claim.pk)
            services.claim_reject(
                actor=request.user, claim=claim, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The claim was rejected."))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("registry:claim_review", code=estate.code, pk=claim.pk)
    return redirect("registry:claim_queue", code=estate.code)


@login_required
def estate_import(request, code: str):
    """Upload a registry file: "preview" is a dry run; "import" applies it all or nothing."""
    estate = _estate(request, code, "registry.import_registry")
    form = ImportForm(request.POST or None, request.FILES or None)
    plan, errors, applied = None, [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            headers, rows = read_table(upload.read(), upload.name)
        except ImportFileError as exc:
            errors = [RowError(1, str(exc))]
        else:
            plan = plan_import(estate, headers, rows)
            errors = plan.errors
            if not errors and request.POST.get("action") == "import":
                try:
                    applied = services.registry_import(actor=request.user, plan=plan)
                except services.ImportRejected as exc:
                    errors = exc.errors
                else:
                    messages.success(request, _("The registry file was imported."))
    return render(
        request,
        "registry/estate_import.html",
        {"estate": estate, "form": form, "plan": plan, "errors": errors, "applied": applied},
    )


@login_required
def estate_export(request, code: str, fmt: str):
    estate = _estate(request, code, "registry.export_registry")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(
        services.registry_export(actor=request.user, estate=estate, fmt=fmt),
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="registry-{estate.code}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
