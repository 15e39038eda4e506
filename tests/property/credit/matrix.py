"""Permission-matrix entries of company credit (/credit/)."""

from tests.security.matrix import CITY, COMPANY, DISTRICT, GOV, OWNERS, PUBLIC, Entry

BUREAU = {DISTRICT, CITY}


def _code(d):
    return {"credit_code": d.estate.company.credit_code}


def _record(d):
    from property.credit.models import CreditRecord

    record = CreditRecord.objects.filter(company=d.estate.company).order_by("pk").first()
    assert record is not None, "no demo credit record for the estate's company"
    return {"pk": record.pk}


def _objection(d):
    from property.credit.models import Objection

    objection = (
        Objection.objects.filter(record__company=d.estate.company).order_by("pk").first()
        or Objection.objects.order_by("pk").first()
    )
    assert objection is not None, "no demo objection"
    return {"pk": objection.pk}


def _estate_record(d):
    from property.credit.models import CreditRecord

    record = (
        CreditRecord.objects.filter(estate=d.estate).exclude(evidence="").order_by("pk").first()
    )
    assert record is not None, "no demo credit record with evidence in the estate"
    return {"pk": record.pk}


def _objection_with_evidence(d):
    from property.credit.models import Objection

    objection = (
        Objection.objects.filter(record__company=d.estate.company)
        .exclude(evidence="")
        .order_by("pk")
        .first()
    )
    assert objection is not None, "no demo objection with evidence for the estate's company"
    return {"pk": objection.pk}


def _unmatched_ticket(d):
    """A demo ticket whose address matched no estate, waiting at 滨江花园's street."""
    from portal.organisations.models import Jurisdiction
    from property.credit.models import ComplaintTicket

    street = d.estate.jurisdiction.path[: 3 * Jurisdiction.steplen]
    ticket = (
        ComplaintTicket.objects.filter(estate__isnull=True, node__path__startswith=street)
        .order_by("pk")
        .first()
    )
    assert ticket is not None, "no demo complaint ticket without estate at the estate's street"
    return {"pk": ticket.pk}


MATRIX = {
    # Public: ratings are published for everyone, with the records that make them.
    "credit:ranking": Entry(allow=PUBLIC),
    "credit:company": Entry(allow=PUBLIC, kwargs=_code),
    "credit:report": Entry(allow=PUBLIC, kwargs=_code),
    # The company's own view and its objections to records.
    "credit:mine": Entry(allow={COMPANY}),
    "credit:object": Entry(allow={COMPANY}, kwargs=_record),
    # Housing bureau staff: records, objections, supervision, publication.
    "credit:record_add": Entry(allow=GOV),  # street offices record inspections too
    "credit:objections": Entry(allow=BUREAU),
    "credit:objection": Entry(allow=BUREAU, kwargs=_objection),
    # Evidence: the company concerned and the government staff governing the record (the
    # record is about 滨江花园, so its street office too); an objection's evidence: the
    # company and the housing bureau that rules on it.
    "credit:record_evidence": Entry(allow={COMPANY, *GOV}, kwargs=_estate_record),
    "credit:objection_evidence": Entry(allow={COMPANY, *BUREAU}, kwargs=_objection_with_evidence),
    "credit:supervision": Entry(allow=BUREAU),
    "credit:publish": Entry(allow=BUREAU),
    # Verified owners answer the yearly satisfaction survey about their estate's company.
    "credit:survey": Entry(allow=OWNERS),
    # Complaints (issue 19): government staff see the figures of their area; the housing
    # bureau imports tickets and runs the rules; the street office (and the bureau above it)
    # assigns a ticket whose address matched no estate; verified owners rate once a quarter.
    "credit:complaints": Entry(allow=GOV),
    "credit:complaints_import": Entry(allow=BUREAU),
    "credit:complaints_run": Entry(allow=BUREAU, method="post"),
    "credit:complaints_unmatched": Entry(allow=GOV),
    "credit:complaint_assign": Entry(allow=GOV, method="post", kwargs=_unmatched_ticket),
    "credit:rate": Entry(allow=OWNERS),
}
