"""Permission-matrix entries of the maintenance fund (/fund/)."""

from tests.security.matrix import COMMITTEE, COMPANY, GOV, OWNER, PUBLIC, SIGNED_IN, STAFF, Entry

B = {"code": "binjiang"}


def _account(d):
    from property.fund.models import FundAccount
    from property.registry.models import Person

    person = Person.objects.get(user=d.user("owner"))
    return {
        "pk": FundAccount.objects.filter(unit__ownerships__party__members=person)
        .order_by("pk")
        .first()
        .pk
    }


def _request(d):
    from property.fund.models import FundRequest

    return FundRequest.objects.filter(estate=d.estate).order_by("pk").first()


def _attachment(d):
    """An attachment of a 滨江花园 request (the demo has none there: one is stored; the test's
    savepoint rolls the row back)."""
    from django.core.files.base import ContentFile

    from property.fund.models import Attachment, AttachmentKind

    att = Attachment.objects.filter(request__estate=d.estate).order_by("pk").first()
    if att is None:
        att = Attachment(
            request=_request(d),
            kind=AttachmentKind.values[0],
            original_name="报价单.pdf",
            content_type="application/pdf",
        )
        att.file.save("quote.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=True)
    return {"pk": att.pk}


def _step(allow) -> Entry:
    """A step of 滨江花园's first request, posted (each step is its own URL and permission)."""
    return Entry(allow=allow, method="post", kwargs=lambda d: {"pk": _request(d).pk})


def _year(d):
    from django.utils import timezone

    return {"code": "binjiang", "year": timezone.localdate().year}


# The estate's parties: its owners, committee, company and the government above it.
PARTIES = {OWNER, COMMITTEE, COMPANY, *GOV}

MATRIX = {
    "fund:landing": Entry(allow=PUBLIC),
    "fund:my": Entry(allow=SIGNED_IN),
    "fund:ledger": Entry(allow=PARTIES, kwargs=_account),
    "fund:estate": Entry(allow=PARTIES, kwargs=lambda d: B),
    "fund:statement": Entry(allow=PARTIES, kwargs=_year),
    "fund:statement_pdf": Entry(allow=PARTIES, kwargs=_year),
    "fund:request_new": Entry(
        allow={COMMITTEE},  # 滨江花园's assembly holds its fund
        kwargs=lambda d: B,
    ),
    "fund:requests": Entry(allow=STAFF),
    "fund:request": Entry(allow=PARTIES, kwargs=lambda d: {"pk": _request(d).pk}),
    # Each step of a request has its own URL and permission (property/fund/rules.py):
    # reviewers are the street office and the bureaus above; 滨江花园's committee applies
    # (its assembly holds the fund); its verified owners may object.
    "fund:request_approve": _step(GOV),
    "fund:request_reject": _step(GOV),
    "fund:request_advance": _step(GOV),
    "fund:request_answer": _step(GOV),
    "fund:request_disburse": _step(GOV),
    "fund:request_accept": _step({COMMITTEE}),
    "fund:request_publicise": _step({COMMITTEE}),
    "fund:request_object": _step({OWNER}),
    "fund:attachment": Entry(allow=PARTIES, kwargs=_attachment),
}
