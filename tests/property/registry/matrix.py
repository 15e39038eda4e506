"""Permission-matrix entries of the registry (/my/): owners' claims and estate registry pages."""

from tests.security.matrix import COMMITTEE, COMPANY, GOV, OWNER, SIGNED_IN, STAFF, Entry


def _own_claim(d):
    from property.registry.models import OwnerClaim

    return OwnerClaim.objects.filter(user=d.user(OWNER), estate=d.estate).order_by("pk").first()


def _pending_claim(d):
    from property.registry.models import ClaimStatus, OwnerClaim

    return (
        OwnerClaim.objects.filter(estate=d.estate, status=ClaimStatus.PENDING)
        .order_by("pk")
        .first()
    )


def _company_import(d):
    """A finished preview started by the company account (the only one who may see it)."""
    from property.registry.models import ImportMode, ImportStatus, RegistryImport

    job, _ = RegistryImport.objects.get_or_create(
        estate=d.estate,
        created_by=d.user(COMPANY),
        defaults={
            "filename": "registry.csv",
            "mode": ImportMode.PREVIEW,
            "status": ImportStatus.DONE,
            "summary": {"rows": 0},
        },
    )
    return {"code": "binjiang", "pk": job.pk}


BINJIANG = {"code": "binjiang"}
VERIFIERS = {COMMITTEE, COMPANY}

MATRIX = {
    # A resident's own pages: anyone signed in (what they list is their own).
    "registry:my_property": Entry(allow=SIGNED_IN),
    "registry:claim_list": Entry(allow=SIGNED_IN),
    "registry:claim_new": Entry(allow=SIGNED_IN),
    "registry:claim_unit_codes": Entry(
        allow=SIGNED_IN, path=lambda d: f"/my/claims/units/?estate={d.estate.pk}"
    ),
    # A claim's proof: the claimant and the estate's verifiers (committee, company) only.
    "registry:claim_proof": Entry(
        allow={OWNER, *VERIFIERS}, kwargs=lambda d: {"pk": _own_claim(d).pk}
    ),
    # Estate pages: staff whose scope covers the estate.
    "registry:estate_list": Entry(allow=STAFF),
    "registry:estate_detail": Entry(allow=STAFF, kwargs=lambda d: BINJIANG),
    "registry:claim_queue": Entry(allow=VERIFIERS, kwargs=lambda d: BINJIANG),
    "registry:claim_review": Entry(
        allow=VERIFIERS, kwargs=lambda d: {"code": "binjiang", "pk": _pending_claim(d).pk}
    ),
    "registry:claim_decide": Entry(
        allow=VERIFIERS,
        kwargs=lambda d: {"code": "binjiang", "pk": _pending_claim(d).pk},
        method="post",
        data={"action": "reject"},  # no reason: refused as bad input, back to the review page
    ),
    "registry:estate_import": Entry(allow={COMPANY, *GOV}, kwargs=lambda d: BINJIANG),
    # An import job: only the person who started it (here the company account); a colleague,
    # the bureau or anyone else gets 404/403 (tests/property/registry/test_import_limits.py).
    "registry:import_job": Entry(allow={COMPANY}, kwargs=_company_import),
    "registry:import_job_apply": Entry(
        allow={COMPANY},
        kwargs=_company_import,
        method="post",
        note="a preview without a stored file cannot be imported: back to the job page",
    ),
    "registry:estate_export": Entry(
        allow={COMPANY, *GOV}, kwargs=lambda d: {"code": "binjiang", "fmt": "csv"}
    ),
}
