"""Permission-matrix entries of the registry (/my/): owners' claims and estate registry pages."""

from tests.security.matrix import (
    COMMITTEE,
    COMPANY,
    GOV,
    OWNER,
    SIGNED_IN,
    STAFF,
    STREET,
    Entry,
)


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


def _verified_claim_of_another(d):
    """A verified claim in 滨江花园 of an account that is none of the matrix's roles."""
    from property.registry.models import ClaimStatus, OwnerClaim

    roles = [u.pk for u in d.users.values() if u is not None]
    return (
        OwnerClaim.objects.filter(estate=d.estate, status=ClaimStatus.VERIFIED)
        .exclude(user_id__in=roles)
        .order_by("pk")
        .first()
    )


def _dispute(d):
    """A dispute of such a claim (the demo has none; the test's savepoint rolls it back)."""
    from property.registry import services

    claim = _verified_claim_of_another(d)
    dispute = services.dispute_file(
        actor=d.user(OWNER), claim=claim, statement="matrix", channel="contact"
    )
    return {"code": "binjiang", "pk": dispute.pk}


def _dispute_token(d):
    from property.registry.services import dispute_token

    return {"token": dispute_token(_verified_claim_of_another(d))}


BINJIANG = {"code": "binjiang"}
# The committee and the company verify; the street office over the estate too (the verifier of
# last resort: DOMAIN.md §1 "Conflicts of interest"). The demo's open vote on replacing the
# company bars the company from deciding, which the decide page answers with a message.
VERIFIERS = {COMMITTEE, COMPANY, STREET}

MATRIX = {
    # A resident's own pages: anyone signed in (what they list is their own).
    "registry:my_property": Entry(allow=SIGNED_IN),
    "registry:claim_list": Entry(allow=SIGNED_IN),
    "registry:claim_new": Entry(allow=SIGNED_IN),
    # Show or hide one's phone on canvass lists: anyone signed in (a person who is no owner is
    # told so and sent back to My property).
    "registry:contact_allow": Entry(
        allow=SIGNED_IN, method="post", data={"allow": "1"}, redirect_to="/my/"
    ),
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
    # Disputes of a verification: from the link sent to the registry's contact (anyone signed
    # in who holds it, except the disputed account), from a co-owner's own pages (no matrix
    # role co-owns another account's units in the demo: tests/property/registry/
    # test_claims_conflicts.py::test_co_owner_disputes_from_my_property), decided by the
    # street office over the estate.
    "registry:dispute_link": Entry(allow=SIGNED_IN, kwargs=_dispute_token),
    "registry:dispute_claim": Entry(
        allow=set(), kwargs=lambda d: {"pk": _verified_claim_of_another(d).pk}
    ),
    "registry:dispute_queue": Entry(allow={STREET}, kwargs=lambda d: BINJIANG),
    "registry:dispute_review": Entry(allow={STREET}, kwargs=_dispute),
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
    # A POST: each export is recorded in the audit log, and no GET writes (docs/security.md).
    "registry:estate_export": Entry(
        allow={COMPANY, *GOV}, kwargs=lambda d: {"code": "binjiang", "fmt": "csv"}, method="post"
    ),
}
