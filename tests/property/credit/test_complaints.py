"""Complaints feed the credit rating (issue 19 part 2): intake (file and API), the unmatched
queue, rules proposing records through notice and objection, owners' quarterly ratings, and who
may open each page."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from portal.notifications.models import Notification
from portal.organisations.models import OrgKind
from property.credit.complaint_services import (
    ComplaintError,
    ComplaintImportError,
    complaint_rules_quarterly,
    complaint_rules_run,
    complaint_ticket_assign,
    complaint_tickets_import,
    owner_rating_submit,
)
from property.credit.models import (
    ComplaintBatch,
    ComplaintProposal,
    ComplaintTicket,
    CreditRecord,
    OwnerRating,
    RecordStatus,
    SatisfactionAnswer,
)
from property.credit.selectors import company_breakdown
from property.registry.models import OwnerParty
from tests.factories import make_owner, staff
from tests.notifying import assert_told
from tests.property.credit.factories import city_officer, company_staff, fill_checklist

pytestmark = pytest.mark.django_db

HEADERS = ["工单编号", "受理时间", "小区", "地址", "类别", "诉求内容", "办结时间", "办结结果", "满意度",
           "街道", "来电人", "联系电话"]  # fmt: skip


def row(number, estate, *, received="2026-07-06 09:00", closed="2026-07-08 10:00",
        result="已解决", sat="满意", category="电梯", address="", street="", text="电梯停运"):  # fmt: skip
    return [number, received, estate, address, category, text, closed, result if closed else "",
            sat if closed else "", street, "王女士", "13912345678"]  # fmt: skip


def do_import(world, rows, actor=None):
    return complaint_tickets_import(
        actor=actor or city_officer(world), node=world.city, headers=HEADERS, rows=rows
    )


def street_officer(world, n=0):
    return staff(OrgKind.STREET_OFFICE, world.streets[n])


def district_officer(world, n=0):
    return staff(OrgKind.BUREAU, world.districts[n])


# ---- intake -------------------------------------------------------------------------------------


def test_import_matches_estates_drops_personal_columns_and_masks_phones(world):
    batch, plan = do_import(
        world,
        [
            row("A1", "第1小区", text="来电人电话13912345678，电梯坏了"),
            row("A2", world.estates[1].code),
        ],
    )
    assert batch.created == 2 and plan.ignored == ["来电人", "联系电话"]
    a1 = ComplaintTicket.objects.get(number="A1")
    assert a1.estate == world.estates[0] and a1.company == world.companies[0]
    assert "13912345678" not in a1.text and "139****5678" in a1.text
    assert ComplaintTicket.objects.get(number="A2").company == world.companies[1]
    assert a1.received_at == timezone.make_aware(datetime(2026, 7, 6, 9, 0))


def test_one_bad_row_writes_nothing_and_names_each_row(world):
    rows = [
        row("B1", "第1小区"),
        row("B2", "第1小区", received="2026-13-01 09:00"),
        row("B3", "第1小区", result="办好了"),
        row("B4", "第1小区", received="2026-07-06 09:00", closed="2026-07-05 09:00"),
        row("=cmd", "第1小区"),
    ]
    with pytest.raises(ComplaintImportError) as caught:
        do_import(world, rows)
    lines = [e.line for e in caught.value.plan.errors]
    assert lines == [3, 4, 5, 6]
    assert ComplaintTicket.objects.count() == 0 and ComplaintBatch.objects.count() == 0


def test_duplicates_by_number_are_skipped_and_reported(world):
    do_import(world, [row("D1", "第1小区")])
    batch, plan = do_import(
        world, [row("D1", "第1小区"), row("D2", "第1小区"), row("D2", "第1小区")]
    )
    assert batch.created == 1 and sorted(batch.duplicates) == ["D1", "D2"]
    assert ComplaintTicket.objects.filter(number__in=["D1", "D2"]).count() == 2


def test_all_duplicates_with_a_bad_row_still_writes_nothing(world):
    do_import(world, [row("E1", "第1小区")])
    with pytest.raises(ComplaintImportError):
        do_import(world, [row("E1", "第1小区"), row("E2", "无此小区", category="")])
    assert ComplaintBatch.objects.count() == 1


def test_import_page_shows_row_errors_in_chinese_and_stores_nothing(client, world):
    officer = city_officer(world)
    client.force_login(officer)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerow(row("P1", "第1小区"))
    writer.writerow(row("P2", "第1小区", sat="还行"))
    upload = SimpleUploadedFile("t.csv", out.getvalue().encode("utf-8"), "text/csv")
    page = client.post(
        "/credit/complaints/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "第 3 行：无法识别的满意度 还行" in page  # the wrong row, named in Chinese
    assert ComplaintTicket.objects.count() == 0


# ---- the unmatched queue ------------------------------------------------------------------------


def test_unmatched_address_waits_at_the_street_and_its_office_assigns_it(client, world):
    street = world.streets[0].name
    # a hyphen keeps the number from turning up by chance inside a random CSRF token
    do_import(world, [row("U-1", "", address="某路1号", street=street)])
    ticket = ComplaintTicket.objects.get(number="U-1")
    assert ticket.estate is None and ticket.node == world.streets[0]
    other = street_officer(world, 1)
    client.force_login(other)
    assert "U-1" not in client.get("/credit/complaints/unmatched/").content.decode()
    assert (
        client.post(
            f"/credit/complaints/{ticket.pk}/assign/", {"estate": world.estates[1].pk}
        ).status_code
        == 403
    )
    mine = street_officer(world, 0)
    client.force_login(mine)
    assert "U-1" in client.get("/credit/complaints/unmatched/").content.decode()
    # an estate of another street is not among the choices
    client.post(f"/credit/complaints/{ticket.pk}/assign/", {"estate": world.estates[1].pk})
    assert ComplaintTicket.objects.get(pk=ticket.pk).estate is None
    client.post(f"/credit/complaints/{ticket.pk}/assign/", {"estate": world.estates[0].pk})
    ticket.refresh_from_db()
    assert ticket.estate == world.estates[0] and ticket.company == world.companies[0]
    assert ticket.address == ""  # no longer needed, not kept
    with pytest.raises(ComplaintError):
        complaint_ticket_assign(actor=mine, ticket=ticket, estate=world.estates[0])


def test_unmatched_without_street_waits_at_the_importers_node(world):
    do_import(world, [row("U2", "", address="不明地址")])
    assert ComplaintTicket.objects.get(number="U2").node == world.city


# ---- rules ----------------------------------------------------------------------------------------


def test_rules_propose_records_through_notice_and_objection_once(
    world, django_capture_on_commit_callbacks
):
    """Q3 2026 run on 2026-10-15: a lift ticket closed after 20 days (overdue), three
    substantiated lift tickets (repeated), and the other estate's clean quarter (good)."""
    do_import(
        world,
        [
            row("R1", "第1小区", closed="2026-07-26 10:00"),
            row("R2", "第1小区", received="2026-08-01 09:00", closed="2026-08-02 09:00"),
            row("R3", "第1小区", received="2026-09-01 09:00", closed="2026-09-02 09:00"),
            row("R4", "第2小区", received="2026-09-01 09:00", closed="2026-09-02 09:00"),
        ],
    )
    officer = city_officer(world)
    told, other = company_staff(world, 0), company_staff(world, 1)
    now = timezone.make_aware(datetime(2026, 10, 15, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        created = complaint_rules_run(actor=officer, year=2026, quarter=3, now=now)
    codes = sorted((p.estate.code, p.record.item.code) for p in created)
    assert codes == sorted(
        [
            (world.estates[0].code, "B-12345-LATE"),
            (world.estates[0].code, "B-12345-REPEAT"),
            (world.estates[1].code, "G-12345-CLEAN"),
        ]
    )
    for p in created:
        assert p.record.status == RecordStatus.PENDING  # nothing counts until in effect
        assert p.record.objection_deadline > date(2026, 10, 15)
    assert complaint_rules_run(actor=officer, year=2026, quarter=3, now=now) == []
    assert CreditRecord.objects.count() == 3
    # the company is told of each proposed record (portal, and email/SMS per preference)
    assert_told("credit.record_added", to=[told], not_to=[officer])
    assert Notification.objects.filter(recipient=told, kind="credit.record_added").count() == 2
    assert Notification.objects.filter(recipient=other, kind="credit.record_added").count() == 1


def test_good_quarter_waits_for_the_quarter_to_end(world):
    do_import(world, [row("G1", "第2小区", received="2026-07-02 09:00", closed="2026-07-03 09:00")])
    during = timezone.make_aware(datetime(2026, 9, 30, 12, 0))
    assert complaint_rules_run(actor=None, year=2026, quarter=3, now=during) == []
    after = timezone.make_aware(datetime(2026, 10, 1, 0, 30))
    assert len(complaint_rules_run(actor=None, year=2026, quarter=3, now=after)) == 1


def test_a_district_runs_the_rules_only_for_its_estates(world):
    do_import(world, [row(f"X{n}", "第2小区", closed="2026-08-30 09:00") for n in range(1)])
    now = timezone.make_aware(datetime(2026, 10, 15, 9, 0))
    assert (
        complaint_rules_run(
            actor=district_officer(world, 0), year=2026, quarter=3, node=world.districts[0], now=now
        )
        == []
    )
    assert len(complaint_rules_run(actor=None, year=2026, quarter=3, now=now)) == 1


def test_quarterly_job_runs_the_previous_quarter_once(world):
    do_import(world, [row("Q1", "第1小区", closed="2026-08-30 09:00")])
    assert complaint_rules_quarterly(today=date(2026, 10, 2)) == 1
    assert complaint_rules_quarterly(today=date(2026, 10, 3)) is None
    assert ComplaintProposal.objects.count() == 1


# ---- owners' ratings ------------------------------------------------------------------------------


def test_one_rating_per_party_per_quarter(world):
    user, unit = make_owner(world.estates[0])
    party = OwnerParty.objects.get(ownerships__unit=unit)
    owner_rating_submit(actor=user, party=party, stars=4, reason="不错", today=date(2026, 8, 1))
    with pytest.raises(ComplaintError):
        owner_rating_submit(
            actor=user, party=party, stars=5, reason="很好", today=date(2026, 9, 30)
        )
    owner_rating_submit(actor=user, party=party, stars=5, reason="很好", today=date(2026, 10, 1))
    assert OwnerRating.objects.filter(party=party).count() == 2
    with pytest.raises(ComplaintError):
        owner_rating_submit(actor=user, party=party, stars=6, reason="x", today=date(2027, 1, 1))


def test_rate_page_for_verified_owners_only(client, world):
    user, _unit = make_owner(world.estates[0])
    client.force_login(user)
    page = client.get("/credit/rate/")
    assert page.status_code == 200
    party = OwnerParty.objects.get(ownerships__unit=_unit)
    client.post("/credit/rate/", {"party": party.pk, f"p{party.pk}-stars": "5",
                                  f"p{party.pk}-reason": "服务好"})  # fmt: skip
    assert OwnerRating.objects.get(party=party).stars == 5
    client.force_login(company_staff(world))
    assert client.get("/credit/rate/").status_code == 403
    other, _ = make_owner(world.estates[1], code="9-9")
    client.force_login(other)
    client.post("/credit/rate/", {"party": party.pk, f"p{party.pk}-stars": "1",
                                  f"p{party.pk}-reason": "x"})  # fmt: skip
    assert OwnerRating.objects.get(party=party).stars == 5


def test_ratings_are_weighted_into_satisfaction_and_shown_on_why_my_score(client, world, settings):
    settings.GONGZHI = {**settings.GONGZHI, "CREDIT_OWNER_RATING_WEIGHT": "0.5"}
    today = timezone.localdate()

    company = world.companies[0]
    fill_checklist(company, today.year)
    user, unit = make_owner(world.estates[0])
    party = OwnerParty.objects.get(ownerships__unit=unit)
    SatisfactionAnswer.objects.create(
        company=company, year=today.year, estate=world.estates[0], party=party, satisfied=True
    )
    inputs, breakdown, _ = company_breakdown(company, today)
    assert breakdown.satisfaction == Decimal("20.00")  # survey only: 1 of 1 satisfied
    owner_rating_submit(actor=user, party=party, stars=3, reason="一般", today=today)
    inputs, breakdown, _ = company_breakdown(company, today)
    # 0.5 × 1 + 0.5 × (3 - 1) / 4 = 0.75 → 15 points
    assert inputs.ratings == 1 and breakdown.satisfaction == Decimal("15.00")
    client.force_login(company_staff(world))
    page = client.get("/credit/mine/").content.decode()
    assert 'data-satisfaction-weight="0.5"' in page


# ---- who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/credit/complaints/import/", "/credit/complaints/"])
def test_bureau_pages_refuse_companies_and_owners(client, world, url):
    owner, _ = make_owner(world.estates[0])
    for user in (company_staff(world), owner):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(district_officer(world))
    assert client.get(url).status_code == 200


def test_import_and_run_refuse_the_street_office(client, world):
    client.force_login(street_officer(world))
    assert client.get("/credit/complaints/import/").status_code == 403
    assert client.post("/credit/complaints/run/", {"year": 2026, "quarter": 3}).status_code == 403


def test_district_overview_shows_only_its_estates(client, world):
    do_import(world, [row("V1", "第1小区"), row("V2", "第2小区")])
    client.force_login(district_officer(world, 0))
    page = client.get("/credit/complaints/?year=2026&quarter=3").content.decode()
    assert world.estates[0].name in page and world.estates[1].name not in page


def test_api_takes_tickets_from_bureau_staff_only(world):
    api = APIClient()
    body = {
        "tickets": [
            {"number": "API1", "received_at": "2026-07-06T09:00:00+08:00", "estate": "第1小区",
             "category": "电梯", "closed_at": "2026-07-07 09:00", "result": "resolved",
             "satisfaction": "satisfied"},
        ]
    }  # fmt: skip
    url = "/api/v1/staff/complaints/"
    assert api.post(url, body, format="json").status_code == 401
    api.force_authenticate(street_officer(world))
    assert api.post(url, body, format="json").status_code == 403
    api.force_authenticate(company_staff(world))
    assert api.post(url, body, format="json").status_code == 403
    api.force_authenticate(city_officer(world))
    answer = api.post(url, body, format="json")
    assert answer.status_code == 201 and answer.json()["created"] == 1
    again = api.post(url, body, format="json").json()
    assert again["created"] == 0 and again["duplicates"] == ["API1"]
    bad = {"tickets": [{**body["tickets"][0], "number": "API2", "result": "maybe"}]}
    answer = api.post(url, bad, format="json")
    assert answer.status_code == 400 and answer.json()["errors"][0]["line"] == 2
    assert not ComplaintTicket.objects.filter(number="API2").exists()


def test_api_matches_only_estates_of_the_callers_district(world):
    api = APIClient()
    api.force_authenticate(district_officer(world, 0))
    body = {"tickets": [{"number": "API3", "received_at": "2026-07-06 09:00",
                         "estate": "第2小区", "category": "电梯"}]}  # fmt: skip
    api.post("/api/v1/staff/complaints/", body, format="json")
    ticket = ComplaintTicket.objects.get(number="API3")
    assert ticket.estate is None and ticket.node == world.districts[0]


def test_company_page_shows_complaint_figures_per_quarter(client, world):
    do_import(world, [row("F1", "第1小区"), row("F2", "第1小区", closed="2026-08-30 09:00")])
    page = client.get(f"/credit/company/{world.companies[0].credit_code}/").content.decode()
    # the page's forms carry random CSRF tokens, which can hold "Q3" by chance
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    assert "2026年第3季度" in page and "Q3" not in page


def test_node_dashboard_shows_complaints_per_thousand_units(client, world):
    from tests.factories import add_units

    add_units(world.estates[0], [(f"1-{n}", "90.00", f"p{n}") for n in range(4)])

    received = timezone.localtime() - timedelta(minutes=5)
    do_import(
        world, [row("N1", "第1小区", received=received.strftime("%Y-%m-%d %H:%M"), closed="")]
    )
    client.force_login(district_officer(world, 0))
    page = client.get(f"/dashboard/{world.districts[0].code}/").content.decode()
    assert 'id="complaints"' in page and "250.00" in page  # 1 ticket, 4 units
    assert world.estates[1].name not in page.split('id="complaints"')[1]
