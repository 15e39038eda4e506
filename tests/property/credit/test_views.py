"""Credit pages: who may see and do what (role and jurisdiction), and what each page shows."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.organisations.models import OrgKind
from property.credit.models import CreditRecord, Objection, RecordStatus, SatisfactionAnswer
from property.credit.services import (
    credit_objection_accept,
    credit_objection_file,
    credit_quarter_publish,
    credit_records_activate_due,
)
from tests.factories import make_owner, make_user, staff
from tests.property.credit.factories import (
    add_record,
    city_officer,
    company_staff,
    fill_checklist,
    item,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def test_breakdown_page_shows_each_record_and_why(client, world, today):
    """/credit/mine/ lists every record with whether it counts today and why: in force,
    pending (objection period), revoked, expired."""
    fill_checklist(world.companies[0], today.year)
    officer, person = city_officer(world), company_staff(world)
    in_force = add_record(world, code="G-CITY-AWARD", on=today - timedelta(days=60))
    expired = add_record(world, code="B-12345", on=today - timedelta(days=420))
    credit_records_activate_due(today=today)
    revoked = add_record(world, code="B-FIRE", on=today - timedelta(days=30))
    objection = credit_objection_file(
        actor=person, record=revoked, reason="x", today=today - timedelta(days=28)
    )
    credit_objection_accept(actor=officer, objection=objection, today=today - timedelta(days=20))
    pending = add_record(world, code="B-RECTIFY", on=today)
    client.force_login(person)
    page = client.get("/credit/mine/").content.decode()
    for record, reason in (
        (in_force, "in_force"),
        (expired, "expired"),
        (revoked, "revoked"),
        (pending, "pending"),
    ):
        assert f'data-record="{record.pk}" data-reason="{reason}"' in page
    assert "63.00" in page  # 60 checklist + 3 city award; the rest does not count
    assert f'href="/credit/records/{pending.pk}/object/"' in page
    assert pending.objection_deadline.isoformat() in page


def test_company_objects_and_bureau_rules(client, world, today):
    """The company files an objection through the form; a bureau officer rejects it and the
    record takes effect."""
    record = add_record(world, on=today)
    person = company_staff(world)
    client.force_login(person)
    url = f"/credit/records/{record.pk}/object/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "reason": "已于通知前整改完毕",
            "evidence": SimpleUploadedFile(
                "photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png"
            ),
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get(record=record)
    assert objection.evidence.name.endswith(".png")
    officer = city_officer(world)
    client.force_login(officer)
    assert str(objection.pk) in client.get("/credit/objections/").content.decode()
    response = client.post(
        f"/credit/objections/{objection.pk}/", {"decision": "uphold", "note": "证据充分"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE and record.effective == today


def test_evidence_type_is_limited(client, world, today):
    """An objection with an executable attached is refused and nothing is written."""
    record = add_record(world, on=today)
    client.force_login(company_staff(world))
    response = client.post(
        f"/credit/records/{record.pk}/object/",
        {"reason": "x", "evidence": SimpleUploadedFile("a.exe", b"MZ", "application/x-msdos")},
    )
    assert response.status_code == 200
    assert not Objection.objects.exists()


def test_another_company_can_neither_see_nor_object(client, world, today):
    """Staff of company 2 cannot object to company 1's record, and /credit/mine/ shows only
    their own company."""
    record = add_record(world, on=today)
    other = company_staff(world, n=1)
    client.force_login(other)
    assert client.post(f"/credit/records/{record.pk}/object/", {"reason": "x"}).status_code == 403
    page = client.get("/credit/mine/").content.decode()
    assert world.companies[1].name in page and f'data-record="{record.pk}"' not in page
    record.refresh_from_db()
    assert record.status == RecordStatus.PENDING


def test_wrong_people_cannot_reach_company_or_bureau_pages(client, world, today):
    """Anonymous users are sent to log in; owners and company staff get 403 on bureau pages;
    residents cannot rule on an objection."""
    record = add_record(world, on=today)
    objection = credit_objection_file(actor=company_staff(world), record=record, reason="x")
    for url in ("/credit/mine/", "/credit/supervision/", f"/credit/objections/{objection.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    owner, _ = make_owner(world.estates[0])
    client.force_login(owner)
    for url in ("/credit/mine/", "/credit/supervision/", "/credit/objections/", "/credit/publish/"):
        assert client.get(url).status_code == 403, url
    response = client.post(
        f"/credit/objections/{objection.pk}/", {"decision": "accept", "note": "x"}
    )
    assert response.status_code == 403
    client.force_login(company_staff(world))
    assert client.get("/credit/supervision/").status_code == 403
    assert (
        client.post(
            f"/credit/objections/{objection.pk}/", {"decision": "accept", "note": "x"}
        ).status_code
        == 403
    )
    street_officer = staff(OrgKind.STREET_OFFICE, world.streets[0])
    client.force_login(street_officer)
    assert (
        client.post(
            f"/credit/objections/{objection.pk}/", {"decision": "accept", "note": "x"}
        ).status_code
        == 403
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.OBJECTED


def test_street_officer_adds_records_in_their_street_only(client, world, today):
    """A street officer adds a record for an estate of their street; one outside it, or one
    about a company as a whole, is refused and nothing is written."""
    officer = staff(OrgKind.STREET_OFFICE, world.streets[0])
    client.force_login(officer)
    assert client.get("/credit/records/add/").status_code == 200
    data = {
        "item": item("B-FIRE").pk,
        "occurred_on": today.isoformat(),
        "summary": "消防通道堵塞",
    }
    outside = client.post(
        "/credit/records/add/",
        {**data, "company": world.companies[1].pk, "estate": world.estates[1].pk},
    )
    assert outside.status_code == 200
    whole_company = client.post(
        "/credit/records/add/", {**data, "company": world.companies[0].pk, "estate": ""}
    )
    assert whole_company.status_code == 200
    assert not CreditRecord.objects.exists()
    inside = client.post(
        "/credit/records/add/",
        {**data, "company": world.companies[0].pk, "estate": world.estates[0].pk},
    )
    assert inside.status_code == 302
    assert CreditRecord.objects.get().estate == world.estates[0]
    client.force_login(make_user())
    assert client.get("/credit/records/add/").status_code == 403


def test_public_pages_ranking_filters_and_company_page(client, world, today):
    """The ranking filters by district and grade; the company page shows the grade, an SVG
    chart with a table alternative, and records in force without personal data."""
    fill_checklist(world.companies[0], today.year)
    officer = city_officer(world)
    add_record(world, code="G-NAT-AWARD", on=today - timedelta(days=40), actor=officer)
    credit_records_activate_due(today=today)
    credit_quarter_publish(actor=officer, year=today.year, quarter=(today.month - 1) // 3 + 1)
    c0, c1 = world.companies
    page = client.get("/credit/", {"district": world.districts[0].pk}).content.decode()
    assert c0.name in page and c1.name not in page
    page = client.get("/credit/", {"grade": "B"}).content.decode()
    assert c1.name in page and c0.name not in page
    page = client.get(f"/credit/company/{c0.credit_code}/").content.decode()
    assert "<polyline" in page and "<table" in page and "70.00" in page
    assert item("G-NAT-AWARD").description in page
    assert officer.email not in page and "责令整改逾期未改" not in page
    assert client.get("/credit/company/NOPE/").status_code == 404


def test_bureau_sees_supervision_and_publishes(client, world, today):
    """Bureau staff see the blacklist and publish a quarter from the page."""
    add_record(world, code="B-FUND", n=1, on=today - timedelta(days=30))
    credit_records_activate_due(today=today)
    officer = city_officer(world)
    client.force_login(officer)
    response = client.post(
        "/credit/publish/", {"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    )
    assert response.status_code == 302
    page = client.get("/credit/supervision/").content.decode()
    assert world.companies[1].name in page


def test_owner_answers_survey_once_a_year(client, world, today):
    """A verified owner rates their estate's company once per year; a second answer is refused;
    a user who owns nothing cannot answer."""
    owner, _ = make_owner(world.estates[0])
    client.force_login(owner)
    page = client.get("/credit/survey/").content.decode()
    assert world.companies[0].name in page
    from property.registry.selectors import parties_of_user

    party = parties_of_user(owner).get()
    data = {"party": party.pk, f"p{party.pk}-satisfied": "yes"}
    assert client.post("/credit/survey/", data).status_code == 302
    client.post("/credit/survey/", {**data, f"p{party.pk}-satisfied": "no"})
    answer = SatisfactionAnswer.objects.get()
    assert answer.satisfied and answer.company == world.companies[0]
    client.force_login(make_user())
    assert client.get("/credit/survey/").status_code == 403


def test_credit_report_pdf_has_name_grade_and_cjk_font(client, world, today):
    """/credit/company/<code>/report.pdf: a signed PDF with the company name, its grade and the
    embedded CJK font."""
    from property.credit.tasks import recompute_ratings
    from tests.pdfcheck import pdf_fonts, pdf_text, signature_valid

    fill_checklist(world.companies[0], today.year)
    add_record(world, code="G-NAT-AWARD", on=today - timedelta(days=40))
    credit_records_activate_due(today=today)
    recompute_ratings(today - timedelta(days=7))
    recompute_ratings(today)
    company = world.companies[0]
    response = client.get(f"/credit/company/{company.credit_code}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content).split())
    assert company.name in text and "A（70.00分）" in text
    assert item("G-NAT-AWARD").description in text
    assert "WenQuanYi" in pdf_fonts(response.content)
    assert signature_valid(response.content)


def test_reasons_of_the_score_read_in_the_readers_language():
    """Issue 15: the reasons on the company's "why my score" page were translated once, when
    the module was imported, so every reader got the language the server started in. They are
    translated when the page is drawn."""
    from django.utils import translation

    from property.credit.scoring import Reason
    from property.credit.views import REASON_TEXT

    with translation.override("en"):
        english = str(REASON_TEXT[Reason.IN_FORCE])
    with translation.override("zh-hans"):
        chinese = str(REASON_TEXT[Reason.IN_FORCE])
    assert english == "counts: in force"
    assert chinese == "计分：有效期内"


def test_company_page_score_chart_reads_on_a_phone(client, world, today):
    """Issue 15: the public page drew the score chart 640 units wide with 10-unit labels, so on
    a phone (358 px for the chart) its labels were under 6 px high, and it wrote its dates in
    another form (2026年11月29日) than the table under it (2026-11-29). The page's chart is drawn
    for a narrower box with larger labels (at least 10 px on a phone) and the page's dates."""
    import re

    from property.credit.tasks import recompute_ratings

    fill_checklist(world.companies[0], today.year)
    for days in (200, 100, 0):
        recompute_ratings(today - timedelta(days=days))
    page = client.get(f"/credit/company/{world.companies[0].credit_code}/").content.decode()
    svg = re.search(r"<svg[^>]*score-chart.*?</svg>", page, re.S).group(0)
    width = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    smallest = min(int(s) for s in re.findall(r'font-size="(\d+)"', svg))
    assert smallest * 358 / width >= 10, f"labels {smallest * 358 / width:.1f} px on a phone"
    assert today.strftime("%Y-%m-%d") in svg and "年" not in svg
