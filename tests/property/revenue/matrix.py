"""Permission-matrix entries of the shared revenue (/revenue/): the demo's 滨江花园 is kept by
its property company (company), configured by its committee, seen by its owners and the
government above it; the other owner (another district's estate) sees none of it."""

from tests.security.matrix import COMMITTEE, COMPANY, GOV, OWNER, SIGNED_IN, Entry

B = {"code": "binjiang"}
PARTIES = {OWNER, COMMITTEE, COMPANY, *GOV}


def _entry(d, **filters):
    from property.revenue.models import RevenueEntry

    return RevenueEntry.objects.filter(estate__code="binjiang", **filters).order_by("-pk").first()


def _objection(d):
    from property.revenue.models import EntryObjection

    return {"pk": EntryObjection.objects.filter(entry__estate__code="binjiang").first().pk}


MATRIX = {
    "revenue:home": Entry(allow=SIGNED_IN),
    "revenue:late": Entry(allow=GOV),
    "revenue:estate": Entry(allow=PARTIES, kwargs=lambda d: B),
    "revenue:enter": Entry(allow={COMPANY}, kwargs=lambda d: {**B, "kind": "income"}),
    "revenue:file_month": Entry(
        allow={COMPANY}, method="post", kwargs=lambda d: B, data={"period": "1999-01"}
    ),
    "revenue:settings": Entry(allow={COMMITTEE}, kwargs=lambda d: B),
    "revenue:publish": Entry(
        allow={COMPANY, COMMITTEE}, method="post", kwargs=lambda d: B, data={"period": "x"}
    ),
    "revenue:statement": Entry(allow=PARTIES, kwargs=lambda d: {**B, "period": "2026H1"}),
    "revenue:statement_pdf": Entry(allow=PARTIES, kwargs=lambda d: {**B, "period": "2026H1"}),
    "revenue:voucher": Entry(allow=PARTIES, kwargs=lambda d: {"pk": _entry(d, kind="income").pk}),
    "revenue:reverse": Entry(
        allow={COMPANY},
        method="post",
        kwargs=lambda d: {"pk": _entry(d, kind="income").pk},
        data={"reason": ""},
    ),
    "revenue:object": Entry(allow={OWNER}, kwargs=lambda d: {"pk": _entry(d, kind="income").pk}),
    "revenue:answer": Entry(
        allow={COMMITTEE}, method="post", kwargs=_objection, data={"answer": ""}
    ),
}
