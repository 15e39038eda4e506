"""Registry pages: the owner's "my property", claims, and the staff estate pages.

Views stay thin: they check role and jurisdiction (``registry.*`` perms), then call selectors
and services. Anonymous visitors are sent to sign in; a signed-in user without the right on
the object gets 403.
"""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.core.errors import add_to_form, message_texts
from portal.permissions import gate

from . import import_jobs, instant, selectors, services
from .forms import ClaimForm, DisputeDecisionForm, DisputeForm, ImportForm, RejectForm
from .importer import COLUMN_GUIDE, limit
from .models import (
    ClaimDispute,
    ClaimStatus,
    DisputeChannel,
    DisputeStatus,
    Estate,
    ImportMode,
    OwnerClaim,
    RegistryImport,
)
from .rules import verification_refusal

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


ESTATE_PAGE_ROWS = 50

# What the instant check found, as the claim's reviewers read it (never the claimant).
INSTANT_NOTES = {
    instant.Outcome.VERIFIED: gettext_lazy(
        "Verified at once: identity and certificate numbers match the registry, phone verified."
    ),
    instant.Outcome.OFF: gettext_lazy("Not checked at once: instant verification is off here."),
    instant.Outcome.NO_CERTIFICATE: gettext_lazy(
        "Not checked at once: the claimant gave no certificate number."
    ),
    instant.Outcome.NO_PHONE: gettext_lazy(
        "Not checked at once: the account's phone number is not verified."
    ),
    instant.Outcome.ACCOUNT_LIMIT: gettext_lazy(
        "Not checked at once: this account has used up its attempts for now."
    ),
    instant.Outcome.UNIT_LIMIT: gettext_lazy(
        "Not checked at once: a claimed unit has had too many attempts for now."
    ),
    instant.Outcome.IDENTITY: gettext_lazy(
        "Instant check failed: the identity number is not that of a current holder of every "
        "claimed unit."
    ),
    instant.Outcome.NOT_RECORDED: gettext_lazy(
        "Instant check not possible: the registry holds no certificate number for a claimed unit."
    ),
    instant.Outcome.CERTIFICATE: gettext_lazy(
        "Instant check failed: the certificate number differs from the registry's."
    ),
    instant.Outcome.HELD: gettext_lazy(
        "Instant check failed: the owner is already linked to another account, or this account "
        "to another owner."
    ),
}


def instant_note(claim: OwnerClaim) -> str:
    return str(INSTANT_NOTES.get(claim.instant_outcome, ""))


def _estates():
    return Estate.objects.select_related("company", "jurisdiction")


def estate_gate(perm: str):
    """The gate of an estate's staff pages: the estate named by ``code``, ``perm`` on it."""
    return gate(perm, model=Estate, lookup="code", kwarg="code", queryset=_estates)


def _claims():
    return OwnerClaim.objects.select_related("estate")


# ---- owners and residents ------------------------------------------------------------------


@gate()
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
            "others_verified": selectors.others_verified_on_my_units(request.user)[:20],
            "suspended": selectors.is_suspended(request.user),
            "contact_allowed_at": selectors.contact_allowed_at(request.user),
        },
    )


@gate()
@require_POST
def contact_allow(request):
    """The owner shows or hides their phone on their estates' canvass lists (My property)."""
    allow = request.POST.get("allow") == "1"
    try:
        services.contact_allow(actor=request.user, allow=allow)
    except services.ClaimError as exc:
        messages.error(request, message_texts(exc)[0])
    else:
        if allow:
            messages.success(
                request,
                _(
                    "Your phone is shown to the owners' committee and the street office on the "
                    "lists of owners who have not voted."
                ),
            )
        else:
            messages.success(request, _("Your phone is no longer shown on those lists."))
    return redirect("registry:my_property")


@gate()
def claim_list(request):
    return render(
        request, "registry/claim_list.html", {"claims": selectors.claims_of_user(request.user)}
    )


@gate("registry.submit_claim")
def claim_new(request):
    own = list(selectors.estates_of_user(request.user)[:2])
    initial = {"estate": own[0].pk} if len(own) == 1 else {}
    form = ClaimForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.claim_submit(
                user=request.user,
                estate=data["estate"],
                units=data["units"],
                name=data["name"],
                identity_number=data["identity_number"],
                proof=data["proof"] or None,
                certificate_number=data["certificate_number"],
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            if claim.status == ClaimStatus.VERIFIED:
                # Straight to the owner's home: their units, and the votes they can now cast.
                messages.success(
                    request,
                    _(
                        "Your ownership was confirmed at once against the property registry. "
                        "You can now vote for your units."
                    ),
                )
                return redirect("workbench:home")
            # Whatever the instant check found stays with the reviewers (no hint to guess with).
            messages.success(
                request,
                _(
                    "Your claim was submitted. A member of the owners' committee will check it "
                    "in person; you will see here when it is decided."
                ),
            )
            return redirect("registry:claim_list")
    return render(request, "registry/claim_form.html", {"form": form})


@gate("registry.submit_claim")
def claim_unit_codes(request):
    """Unit codes of one estate (JSON), to suggest in the claim form. Codes are not personal."""
    estate_id = request.GET.get("estate", "")
    if not estate_id.isdigit():
        raise Http404
    estate = get_object_or_404(Estate, pk=estate_id)
    return JsonResponse(
        {"units": list(estate.units.order_by("code").values_list("code", flat=True))}
    )


@gate("registry.view_claim", model=OwnerClaim, queryset=_claims)
def claim_proof(request, claim: OwnerClaim):
    """Serve a claim's proof file to the claimant and the estate's verifiers only."""
    if not claim.proof:  # a claim made with the certificate number alone
        raise Http404
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


@gate()
def estate_list(request):
    estates = selectors.estates_in_scope(request.user)
    if not estates.exists():
        raise PermissionDenied
    return render(request, "registry/estate_list.html", {"estates": estates})


@estate_gate("registry.view_estate")
def estate_detail(request, estate: Estate):
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
            "can_verify": user.has_perm("registry.view_claims", estate),
            "can_decide_disputes": user.has_perm("registry.decide_disputes", estate),
            "can_import": user.has_perm("registry.import_registry", estate),
            "can_export": user.has_perm("registry.export_registry", estate),
            "pending": selectors.claims_for_estate(estate, ClaimStatus.PENDING).count(),
        },
    )


@estate_gate("registry.view_claims")
def claim_queue(request, estate: Estate):
    status = request.GET.get("status", ClaimStatus.PENDING)
    if status not in ClaimStatus.values:
        status = ClaimStatus.PENDING
    claims = list(selectors.claims_for_estate(estate, status))
    for claim in claims:
        claim.match = claim.registry_match() if claim.status == ClaimStatus.PENDING else None
        claim.instant_note = instant_note(claim)
    return render(
        request,
        "registry/claim_queue.html",
        {
            "estate": estate,
            "claims": claims,
            "status": status,
            "statuses": ClaimStatus.choices,
            "refusal": verification_refusal(request.user, estate),
        },
    )


def _claim_of_estate(estate: Estate, pk: int) -> OwnerClaim:
    """A claim of the gated estate (the permission is the estate's; any other claim: 404)."""
    return get_object_or_404(OwnerClaim.objects.select_related("user"), pk=pk, estate=estate)


@estate_gate("registry.view_claims")
def claim_review(request, estate: Estate, pk: int):
    claim = _claim_of_estate(estate, pk)
    match = claim.registry_match()
    return render(
        request,
        "registry/claim_review.html",
        {
            "estate": estate,
            "claim": claim,
            "match": match,
            "name_differs": bool(match and match.name != claim.name),
            "instant_note": instant_note(claim),
            "reject_form": RejectForm(),
            "refusal": verification_refusal(request.user, estate),
            "disputes": claim.disputes.select_related("decided_by"),
        },
    )


@estate_gate("registry.view_claims")
@require_POST
def claim_decide(request, estate: Estate, pk: int):
    claim = _claim_of_estate(estate, pk)
    action = request.POST.get("action")
    refusal = verification_refusal(request.user, estate)
    if refusal:  # a conflict of interest: the claim waits for another verifier
        messages.error(request, refusal)
        return redirect("registry:claim_review", code=estate.code, pk=claim.pk)
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
        for message in message_texts(exc):
            messages.error(request, message)
        return redirect("registry:claim_review", code=estate.code, pk=claim.pk)
    return redirect("registry:claim_queue", code=estate.code)


# ---- disputes of a verification --------------------------------------------------------------


def _file_dispute(request, claim: OwnerClaim, channel: str, template_context: dict):
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_file(
                actor=request.user,
                claim=claim,
                statement=form.cleaned_data["statement"],
                channel=channel,
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your dispute was sent to the street office. Until it decides, that "
                    "account cannot vote for these units and its ballots do not count."
                ),
            )
            return redirect("registry:my_property")
    open_dispute = claim.disputes.filter(status=DisputeStatus.OPEN).first()
    return render(
        request,
        "registry/dispute_form.html",
        {"claim": claim, "form": form, "open_dispute": open_dispute, **template_context},
    )


@gate()
def dispute_link(request, token: str):
    """Reached from the message sent to the registry's contact for the verified person: the
    token proves that message was received, so whoever signs in with it speaks for the
    registered owner (the verified account itself excepted). The token is the permission,
    which no ``rules`` permission can express: any signed-in user passes the gate."""
    claim = services.claim_for_dispute_token(token)
    if claim is None:
        raise Http404
    if claim.user_id == request.user.pk:
        raise PermissionDenied
    return _file_dispute(request, claim, DisputeChannel.CONTACT, {"via_link": True})


@gate()
def dispute_claim(request, pk: int):
    """From the owner's own pages: a verified co-owner disputes another account's verification
    over units they hold. The claim is looked up among those verified on the user's own units
    (a query of the user, which the gate cannot express): any other claim gives 403."""
    claim = selectors.others_verified_on_my_units(request.user).filter(pk=pk).first()
    if claim is None:
        raise PermissionDenied
    return _file_dispute(request, claim, DisputeChannel.CO_OWNER, {"via_link": False})


@estate_gate("registry.decide_disputes")
def dispute_queue(request, estate: Estate):
    status = request.GET.get("status", DisputeStatus.OPEN)
    if status not in DisputeStatus.values:
        status = DisputeStatus.OPEN
    return render(
        request,
        "registry/dispute_queue.html",
        {
            "estate": estate,
            "disputes": selectors.disputes_for_estate(estate, status),
            "status": status,
            "statuses": DisputeStatus.choices,
        },
    )


@estate_gate("registry.decide_disputes")
def dispute_review(request, estate: Estate, pk: int):
    """The street office reads a dispute (the claim, who verified it, the statement) and
    decides it, with a reason (POST)."""
    dispute = get_object_or_404(
        ClaimDispute.objects.select_related("claim__user", "claim__decided_by", "filed_by"),
        pk=pk,
        claim__estate=estate,
    )
    form = DisputeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_decide(
                actor=request.user,
                dispute=dispute,
                uphold=form.cleaned_data["decision"] == "uphold",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The dispute was decided."))
            return redirect("registry:dispute_queue", code=estate.code)
    return render(
        request,
        "registry/dispute_review.html",
        {"estate": estate, "dispute": dispute, "claim": dispute.claim, "form": form},
    )


@estate_gate("registry.import_registry")
def estate_import(request, estate: Estate):
    """Upload a registry file: the request stores it and queues a job for the worker ("preview"
    is a dry run, "import" applies it all or nothing), then shows the job's page."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        mode = ImportMode.IMPORT if request.POST.get("action") == "import" else ImportMode.PREVIEW
        job = import_jobs.import_job_start(
            actor=request.user,
            estate=estate,
            upload=form.cleaned_data["file"],
            mode=mode,
            language=translation.get_language(),
        )
        return redirect(job.get_absolute_url())
    return render(
        request,
        "registry/estate_import.html",
        {
            "estate": estate,
            "form": form,
            "jobs": RegistryImport.objects.filter(estate=estate, created_by=request.user)[:10],
            "columns": COLUMN_GUIDE,
            "max_rows": limit("REGISTRY_IMPORT_MAX_ROWS"),
            "max_bytes": limit("REGISTRY_IMPORT_MAX_BYTES"),
        },
    )


def _import_job(request, estate: Estate, pk: int) -> RegistryImport:
    """A job of the gated estate started by this user (anyone else: 404), who may still import
    (the gate's ``registry.import_registry`` on the estate)."""
    return get_object_or_404(RegistryImport, pk=pk, estate=estate, created_by=request.user)


@estate_gate("registry.import_registry")
def import_job(request, estate: Estate, pk: int):
    """A registry import's state, progress and outcome (refreshed by a static script while it
    runs; without JavaScript, by the refresh link)."""
    job = _import_job(request, estate, pk)
    response = render(
        request,
        "registry/import_job.html",
        {"estate": estate, "job": job, "max_errors": limit("REGISTRY_IMPORT_MAX_ERRORS")},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@estate_gate("registry.import_registry")
@require_POST
def import_job_apply(request, estate: Estate, pk: int):
    """Import the file of a preview without errors."""
    job = _import_job(request, estate, pk)
    try:
        import_jobs.import_job_apply(actor=request.user, job=job)
    except import_jobs.ImportJobError as exc:
        messages.error(request, str(exc))
    return redirect(job.get_absolute_url())


@estate_gate("registry.export_registry")
def estate_export(request, estate: Estate, fmt: str):
    """The estate's registry as a file. A POST (the estate page's download buttons), since each
    export is recorded in the audit log: a GET writes nothing (docs/security.md)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if fmt not in ("csv", "xlsx"):
        raise Http404
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    clear = request.user.has_perm("registry.view_identity_numbers", estate)
    response = HttpResponse(
        services.registry_export(actor=request.user, estate=estate, fmt=fmt, clear_identity=clear),
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="registry-{estate.code}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
