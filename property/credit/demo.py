"""Demo data, layer 4 (credit): a year of records for the 12 demo companies, checklists,
satisfaction surveys answered by owners, weekly rating history and the last quarter published.

Every grade appears (AAA to C; see PROFILES for who gets what): company 10 is blacklisted (a
serious record in force), companies 9 and 12 have crossed supervision thresholds. Company 1
(company1@demo.gongzhi.cn, manages 滨江花园) has one record under objection and one still open
to objection, plus a revoked one. Dates are relative to today, so the demo stays current.
Idempotent: nothing is added once the demo companies have records.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.core import demo as core_demo
from portal.organisations.models import Organisation, OrgKind
from property.registry.models import Estate, OwnerParty

from . import complaint_demo, manager_demo
from .models import (
    CatalogueItem,
    ChecklistEntry,
    ChecklistItem,
    CreditRecord,
    SatisfactionAnswer,
)
from .services import (
    credit_objection_accept,
    credit_objection_file,
    credit_quarter_publish,
    credit_ratings_recompute,
    credit_record_add,
    credit_records_activate_due,
)

# company number -> (checklist total, satisfied share, [(item code, days ago notified, state)])
# state: "auto" (effective after its window, or pending if still in it), "objected",
# "revoked". Comments give the expected grade today.
# A sample of the evidence attached to every demo record and objection (a short PDF).
EVIDENCE = Path(__file__).resolve().parent.parent / "data" / "demo_credit_evidence.pdf"

PROFILES = {
    1: (
        "52",
        "0.80",
        [
            ("G-CITY-AWARD", 200, "auto"),
            ("B-12345", 150, "auto"),
            ("B-12345", 90, "auto"),
            ("B-INFO", 120, "revoked"),
            ("B-RECTIFY", 6, "objected"),
            ("B-12345", 3, "auto"),
        ],
    ),  # A 70.00
    2: ("58", "0.95", [("G-NAT-AWARD", 300, "auto")]),  # AAA 87.00
    3: (
        "57",
        "0.90",
        [
            ("G-PROV-AWARD", 330, "auto"),
            ("G-CITY-AWARD", 240, "auto"),
            ("G-PRAISE", 100, "auto"),
            ("G-EMERGENCY", 60, "auto"),
        ],
    ),  # AAA 87.00
    4: (
        "55",
        "0.85",
        [("G-PROV-AWARD", 280, "auto"), ("G-CITY-AWARD", 45, "auto"), ("B-12345", 440, "auto")],
    ),  # AA 81.00 (the complaint has expired)
    5: (
        "56",
        "0.80",
        [("G-PROV-AWARD", 250, "auto"), ("G-CITY-AWARD", 180, "auto"), ("B-12345", 70, "auto")],
    ),  # AA 80.50
    6: ("50", "0.75", [("G-PROV-AWARD", 210, "auto"), ("B-INFO", 130, "auto")]),  # A 70.00
    7: (
        "54",
        "0.70",
        [("G-CITY-AWARD", 160, "auto"), ("G-PRAISE", 120, "auto"), ("B-12345", 40, "auto")],
    ),  # A 71.50
    8: ("48", "0.60", [("G-CITY-AWARD", 300, "auto"), ("B-FIRE", 80, "auto")]),  # B 60.00
    9: ("45", "0.50", [("B-CUTOFF", 200, "auto"), ("B-RECTIFY", 110, "auto")]),  # C, interview
    10: ("50", "0.55", [("B-FUND", 150, "auto"), ("B-12345", 260, "auto")]),  # C, blacklisted
    11: ("45", None, []),  # B: a low score without any bad record (no estate, no survey)
    12: ("50", None, [("G-CITY-AWARD", 190, "auto"), ("B-HANDOVER", 95, "auto")]),  # C, warning
}
SUMMARIES = {
    "good": "经主管部门核实，{item}。",
    "bad": "经{where}核实：{item}。",
}
ANSWERS_PER_YEAR = 40


def _split(total: Decimal, items: list[ChecklistItem]) -> list[Decimal]:
    whole = sum(i.max_points for i in items)
    parts = [
        (i.max_points * total / whole).quantize(Decimal("0.5"), rounding=ROUND_HALF_UP)
        for i in items
    ]
    parts[-1] += total - sum(parts)
    return parts


def _checklists(companies, today) -> None:
    items = list(ChecklistItem.objects.filter(active=True).order_by("order"))
    rows = []
    for n, company in enumerate(companies, start=1):
        total = Decimal(PROFILES[n][0])
        for year, delta in ((today.year - 1, Decimal("-2")), (today.year, Decimal("0"))):
            for item, points in zip(items, _split(total + delta, items), strict=True):
                rows.append(ChecklistEntry(company=company, year=year, item=item, points=points))
    ChecklistEntry.objects.bulk_create(rows, ignore_conflicts=True)


def _surveys(companies, today) -> None:
    rows = []
    for n, company in enumerate(companies, start=1):
        share = PROFILES[n][1]
        if share is None:
            continue
        for estate in Estate.objects.filter(company=company):
            parties = list(
                OwnerParty.objects.filter(estate=estate, kind__in=["person", "co_owners"])
                .order_by("pk")
                .prefetch_related("members")
            )
            demo_owner = [p for p in parties if any(m.user_id for m in p.members.all())][:1]
            others = [p for p in parties if not any(m.user_id for m in p.members.all())]
            for year, respondents in (
                (today.year - 1, others[:ANSWERS_PER_YEAR]),
                (today.year, demo_owner + others[-(ANSWERS_PER_YEAR - 1) :]),
            ):
                yes = int((Decimal(share) * len(respondents)).to_integral_value(ROUND_HALF_UP))
                for k, party in enumerate(respondents):
                    rows.append(
                        SatisfactionAnswer(
                            company=company,
                            year=year,
                            estate=estate,
                            party=party,
                            satisfied=k < yes,
                        )
                    )
    SatisfactionAnswer.objects.bulk_create(rows, ignore_conflicts=True)


def _records(companies, today) -> None:
    """Each profile's records, added, objected to and decided through the services on the day
    each step happened; the records whose window has passed take effect as the worker does."""
    items = {i.code: i for i in CatalogueItem.objects.all()}
    bureau = Organisation.objects.get(kind=OrgKind.BUREAU, jurisdiction__depth=1)
    officer = bureau.memberships.filter(role="officer").first().user
    approver = bureau.memberships.filter(role="approver").first().user
    for n, company in enumerate(companies, start=1):
        estate = Estate.objects.filter(company=company).first()
        for code, days_ago, state in PROFILES[n][2]:
            item = items[code]
            notified = today - timedelta(days=days_ago)
            record = credit_record_add(
                actor=officer,
                company=company,
                item=item,
                occurred_on=notified - timedelta(days=5),
                summary=SUMMARIES[item.kind].format(
                    item=item.description, where=estate.name + "所在街道" if estate else "市住建局"
                ),
                estate=estate if item.kind == "bad" or n % 2 else None,
                evidence=_evidence(),
                today=notified,
            )
            if state not in ("objected", "revoked"):
                continue
            objection = credit_objection_file(
                actor=company.memberships.first().user,
                record=record,
                reason="该事项已于通知前整改完毕，附整改照片及业委会确认函。",
                evidence=_evidence(),
                today=notified + timedelta(days=2),
            )
            if state == "revoked":
                credit_objection_accept(
                    actor=approver,
                    objection=objection,
                    note="经复核，异议成立，撤销该记录。",
                    today=notified + timedelta(days=9),
                )
    credit_records_activate_due(today=today)


def _evidence() -> ContentFile:
    return ContentFile(EVIDENCE.read_bytes(), name="evidence.pdf")


def load(stdout=None) -> None:
    _load_companies(stdout)
    manager_demo.load(stdout=stdout)


def _load_companies(stdout=None) -> None:
    companies = core_demo.companies()[: len(PROFILES)]
    if CreditRecord.objects.filter(company__in=companies).exists():
        return
    today = timezone.localdate()
    _checklists(companies, today)
    _surveys(companies, today)
    _records(companies, today)
    complaint_demo.load(today, stdout=stdout)
    # Weekly history for the past year (the worker adds one row a day from now on).
    days = sorted({today - timedelta(weeks=k) for k in range(53)})
    quarter = (today.month - 1) // 3  # the last complete quarter
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    for as_of in days:
        credit_ratings_recompute(as_of=as_of)
    publication = credit_quarter_publish(actor=None, year=year, quarter=quarter, today=today)
    if stdout:
        stdout.write(
            f"  credit: {CreditRecord.objects.count()} records, {len(days)} rating days, "
            f"published {publication}"
        )
