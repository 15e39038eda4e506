"""Pages of the shared revenue: each refuses the wrong role and another estate; a refused form
says why in Chinese and writes nothing; vouchers are served only to the estate's parties; the
signed statement PDF; the late list of the street office; the workbench links."""

import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from property.revenue import rules, services
from property.revenue.models import Category, RevenueEntry

from .conftest import aware, voucher

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def booked(c):
    """A March income with its voucher, months January to June filed and 2026H1 published."""
    e = services.revenue_income_add(
        actor=c.company,
        estate=c.estate,
        category=Category.PARKING,
        period=date(2026, 3, 1),
        amount="18000.00",
        counterparty="地面停车收费",
        voucher=voucher(),
        now=aware(2026, 4, 3),
    )
    for m in range(1, 7):
        services.revenue_month_file(
            actor=c.company, estate=c.estate, period=date(2026, m, 1), now=aware(2026, 7, 2)
        )
    services.revenue_statement_publish(
        actor=c.company,
        estate=c.estate,
        half=rules.parse_half_year("2026H1"),
        now=timezone.now(),
    )
    return e


def errors_in_chinese(html: str) -> bool:
    """The form's error lists are there and written in Chinese."""
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return bool(lists) and all(re.search(r"[\u4e00-\u9fff]", li) for li in lists)


def pages(c, e):
    code = c.estate.code
    return {
        "estate": reverse("revenue:estate", args=[code]),
        "statement": reverse("revenue:statement", args=[code, "2026H1"]),
        "voucher": reverse("revenue:voucher", args=[e.pk]),
        "enter": reverse("revenue:enter", args=[code, "income"]),
        "settings": reverse("revenue:settings", args=[code]),
        "object": reverse("revenue:object", args=[e.pk]),
    }


def status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_the_estate_parties_see_the_ledger_and_others_are_refused(client, c, booked):
    p = pages(c, booked)
    for user in (c.owner, c.committee, c.company, c.street, c.bureau):
        assert status(client, user, p["estate"]) == 200
        assert status(client, user, p["statement"]) == 200
        assert status(client, user, p["voucher"]) == 200
    for user in (c.other_owner, c.other_company, c.other_street):
        for name in ("estate", "statement", "voucher", "enter", "settings", "object"):
            assert status(client, user, p[name]) in (403, 404), (name, user)
    client.logout()
    response = client.get(p["estate"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_keeper_enters_only_the_committee_configures_only_owners_object(client, c, booked):
    p = pages(c, booked)
    assert status(client, c.company, p["enter"]) == 200
    for user in (c.owner, c.committee, c.street):
        assert status(client, user, p["enter"]) == 403
    assert status(client, c.committee, p["settings"]) == 200
    for user in (c.owner, c.company, c.street):
        assert status(client, user, p["settings"]) == 403
    assert status(client, c.owner, p["object"]) == 200
    for user in (c.company, c.committee, c.street):
        assert status(client, user, p["object"]) == 403


def test_voucher_is_private_and_not_html(client, c, booked):
    client.force_login(c.owner)
    response = client.get(pages(c, booked)["voucher"])
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_statement_pdf_is_signed_and_chinese(client, c, booked):
    client.force_login(c.owner)
    response = client.get(reverse("revenue:statement_pdf", args=[c.estate.code, "2026H1"]), **ZH)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and b"/ByteRange" in response.content
    assert (
        client.get(reverse("revenue:statement_pdf", args=[c.estate.code, "2026H2"])).status_code
        == 404
    )  # not published


def test_refused_income_form_says_why_in_chinese_and_writes_nothing(client, c):
    client.force_login(c.company)
    url = reverse("revenue:enter", args=[c.estate.code, "income"])
    before = RevenueEntry.objects.count()
    response = client.post(
        url,
        {
            "category": "parking",
            "period": timezone.localdate().strftime("%Y-%m"),
            "amount": "12.345",
            "counterparty": "停车",
            "voucher": voucher("收据.pdf", b"<html>not a pdf</html>"),
        },
        **ZH,
    )
    assert response.status_code == 200
    assert errors_in_chinese(response.content.decode())
    assert RevenueEntry.objects.count() == before
    response = client.post(
        url,
        {
            "category": "parking",
            "period": timezone.localdate().strftime("%Y-%m"),
            "amount": "100.00",
            "counterparty": "停车",
        },
        **ZH,
    )
    assert errors_in_chinese(response.content.decode())
    assert RevenueEntry.objects.count() == before


def test_income_form_books_with_voucher(client, c):
    client.force_login(c.company)
    url = reverse("revenue:enter", args=[c.estate.code, "income"])
    response = client.post(
        url,
        {
            "category": "advertising",
            "period": timezone.localdate().strftime("%Y-%m"),
            "amount": "6400.00",
            "counterparty": "电梯广告合同 WH-2025-117",
            "voucher": voucher(),
        },
    )
    assert response.status_code == 302
    e = RevenueEntry.objects.get()
    assert e.voucher and e.voucher_name == "收据.pdf" and e.created_by == c.company


def test_get_never_writes(client, c, booked):
    count = RevenueEntry.objects.count()
    client.force_login(c.company)
    for url in (
        reverse("revenue:file_month", args=[c.estate.code]),
        reverse("revenue:publish", args=[c.estate.code]),
        reverse("revenue:reverse", args=[booked.pk]),
    ):
        assert client.get(url).status_code == 405
    assert RevenueEntry.objects.count() == count


def test_late_list_for_the_street_office_of_the_estate_only(client, c):
    client.force_login(c.street)
    html = client.get(reverse("revenue:late")).content.decode()
    assert c.estate.name in html  # nothing filed since January: late
    client.force_login(c.other_street)
    html = client.get(reverse("revenue:late")).content.decode()
    assert c.estate.name not in html
    client.force_login(c.owner)
    assert client.get(reverse("revenue:late")).status_code == 403
    client.force_login(c.company)
    assert client.get(reverse("revenue:late")).status_code == 403


def test_workbench_links(client, c, booked):
    client.force_login(c.company)
    html = client.get(reverse("workbench:home")).content.decode()
    assert reverse("revenue:enter", args=[c.estate.code, "income"]) in html
    client.force_login(c.street)
    html = client.get(reverse("workbench:home")).content.decode()
    assert reverse("revenue:late") in html
    client.force_login(c.owner)
    html = client.get(reverse("workbench:home")).content.decode()
    assert reverse("revenue:estate", args=[c.estate.code]) in html


def test_statement_command_json(c, booked):
    out = StringIO()
    call_command("revenue_statement", c.estate.code, "2026H1", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["published"] is True
    assert data["period"] == "2026H1" and data["estate"] == c.estate.code
    assert data["income_total"] == "18000.00" and data["closing"] == "18000.00"
    assert {i["category"]: i["amount"] for i in data["income"]}["parking"] == "18000.00"
    out = StringIO()
    call_command("revenue_statement", c.estate.code, "2026H2", stdout=out)
    assert "not published" in out.getvalue()


def test_pages_name_the_half_year_in_chinese(client, c, booked):
    """The ledger lists and the statement heads its half-year as 2026年上半年, not 2026H1 (the
    code stays in the URLs)."""
    client.force_login(c.owner)
    p = pages(c, booked)
    ledger = client.get(p["estate"], **ZH).content.decode()
    assert ">2026年上半年</a>" in ledger and ">2026H1<" not in ledger
    statement = client.get(p["statement"], **ZH).content.decode()
    assert "<h1>2026年上半年公共收益报表 · " in statement
