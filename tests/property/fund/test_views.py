"""Fund pages: the journey through the browser-facing views, uploads served only through
permission-checked views, and the wrong user refused on every page (anonymous → login,
wrong role or estate → 403)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.core.templatetags.numbers import format_money
from property.fund import services
from property.fund.models import Attachment, FundAccount, FundRequest, Scope, Status
from property.registry.models import Building

from .factories import cast

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def c(world):
    return cast(world)


def form_data(c, **extra):
    data = {
        "kind": "emergency",
        "category": "elevator",
        "title": "1号楼电梯故障",
        "description": "电梯困人",
        "scope": Scope.BUILDING,
        "building": Building.objects.get(estate=c.estate, code="1").pk,
        "estimated_cost": "20000.00",
        "contractor": "芜湖迅达电梯工程有限公司",
    }
    data.update(extra)
    return data


def test_company_files_emergency_with_photos_through_the_form(client, c):
    """The property company files with photos and an inspection report (jpg/png/pdf)."""
    client.force_login(c.company)
    url = f"/fund/estate/{c.estate.code}/requests/new/"
    assert client.get(url).status_code == 200
    data = form_data(c)
    data["photos"] = [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)]
    data["inspection"] = SimpleUploadedFile("report.pdf", PDF)
    response = client.post(url, data)
    req = FundRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fund/requests/{req.pk}/"
    assert req.attachments.count() == 3
    detail = client.get(f"/fund/requests/{req.pk}/").content.decode()
    assert "1号楼电梯故障" in detail


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("evil.exe", b"MZ", "exe"),
        ("fake.png", b"GIF89a....", "fake.png"),
        ("big.pdf", PDF + b"0" * 2048, "big.pdf"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_written(client, c, settings, name, content, message):
    """Only jpg/png/pdf whose content matches, within UPLOAD_MAX_BYTES; nothing is written."""
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(c.company)
    data = form_data(c)
    data["photos"] = [SimpleUploadedFile(name, content)]
    response = client.post(f"/fund/estate/{c.estate.code}/requests/new/", data)
    assert response.status_code == 200
    assert FundRequest.objects.count() == 0 and Attachment.objects.count() == 0


def test_attachment_served_only_with_permission(client, c):
    req = services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        title="t",
        description="d",
        category="leak",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("100.00"),
        contractor="x",
        files=[("photo", SimpleUploadedFile("p.png", PNG))],
    )
    att = req.attachments.get()
    url = f"/fund/attachments/{att.pk}/"
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(c.other_company)
    assert client.get(url).status_code == 403
    client.force_login(c.street)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert not att.file.path.startswith(str(__import__("django.conf").conf.settings.MEDIA_ROOT))


def test_journey_through_views(client, c):
    """Approve, advance, accept, publicise, object, answer and disburse through the pages."""
    req = services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        title="电梯维修",
        description="d",
        category="elevator",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("1000.00"),
        contractor="x",
    )
    base = f"/fund/requests/{req.pk}/"
    client.force_login(c.street)
    assert "批准" in client.get(base).content.decode()  # the reviewer sees the decision form
    client.post(base + "approve/", {"note": "同意"})
    client.post(base + "advance/", {"confirm": "1"})
    client.force_login(c.company)
    client.post(base + "accept/", {"final_cost": "999.99", "invoice_number": "123"})
    client.post(base + "publicise/")
    req.refresh_from_db()
    assert req.status == Status.PUBLICISED
    client.force_login(c.owner)
    client.post(base + "object/", {"text": "请说明费用"})
    assert req.objections.count() == 1
    FundRequest.objects.filter(pk=req.pk).update(
        publicity_ends=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(c.street)
    client.post(base + "disburse/", {"confirm": "1"})
    req.refresh_from_db()
    assert req.status == Status.PUBLICISED  # an objection is unanswered
    client.post(base + "answer/", {"objection": req.objections.get().pk, "answer": "已公示明细"})
    client.post(base + "disburse/", {"confirm": "1"})
    req.refresh_from_db()
    assert req.status == Status.DISBURSED
    client.force_login(c.owner)
    page = client.get("/fund/my/").content.decode()
    share = req.shares.get(unit=c.owner_unit).amount
    assert str(share) in page
    public = client.get("/fund/").content.decode()
    assert "电梯维修" in public and "999.99" in public


def test_landing_is_public_without_personal_data(client, c):
    """The /fund/ disclosure shows projects, never owners' names or units' holders."""
    response = client.get("/fund/")
    assert response.status_code == 200
    assert "王五" not in response.content.decode()


def test_statement_page_has_totals_projects_and_balances(client, c):
    client.force_login(c.owner)
    year = timezone.localdate().year
    page = client.get(f"/fund/estate/{c.estate.code}/statement/{year}/").content.decode()
    acc = FundAccount.objects.get(unit=c.owner_unit)
    assert format_money(acc.balance, "plain") in page and c.owner_unit.code in page


@pytest.mark.parametrize(
    "who, path, expected",
    [
        ("anon", "/fund/my/", 302),
        ("anon", "ledger", 302),
        ("other_owner", "ledger", 403),
        ("other_company", "ledger", 403),
        ("owner", "ledger", 200),
        ("street", "ledger", 200),
        ("anon", "estate", 302),
        ("other_owner", "estate", 403),
        ("other_street", "estate", 403),
        ("owner", "estate", 200),
        ("company", "estate", 200),
        ("anon", "new", 302),
        ("owner", "new", 403),
        ("street", "new", 403),
        ("other_company", "new", 403),
        ("committee", "new", 403),
        ("company", "new", 200),
        ("anon", "request", 302),
        ("other_owner", "request", 403),
        ("other_street", "request", 403),
        ("street", "request", 200),
        ("anon", "statement", 302),
        ("other_company", "statement", 403),
        ("anon", "/fund/requests/", 302),
        ("owner", "/fund/requests/", 403),
        ("street", "/fund/requests/", 200),
    ],
)
def test_pages_refuse_the_wrong_user(client, c, who, path, expected):
    req = services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        title="t",
        description="d",
        category="leak",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("100.00"),
        contractor="x",
    )
    acc = FundAccount.objects.get(unit=c.owner_unit)
    url = {
        "ledger": f"/fund/ledger/{acc.pk}/",
        "estate": f"/fund/estate/{c.estate.code}/",
        "new": f"/fund/estate/{c.estate.code}/requests/new/",
        "request": f"/fund/requests/{req.pk}/",
        "statement": f"/fund/estate/{c.estate.code}/statement/2025/",
    }.get(path, path)
    if who != "anon":
        client.force_login(getattr(c, who))
    response = client.get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("action", ["approve", "advance", "disburse", "publicise", "accept"])
def test_actions_refuse_the_wrong_user(client, c, action):
    """POSTing a step as someone not allowed gets 403 and changes nothing."""
    req = services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        title="t",
        description="d",
        category="leak",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("100.00"),
        contractor="x",
    )
    client.force_login(c.other_street)
    assert client.post(f"/fund/requests/{req.pk}/{action}/").status_code == 403
    client.force_login(c.owner)
    assert client.post(f"/fund/requests/{req.pk}/{action}/").status_code == 403
    client.logout()
    assert client.post(f"/fund/requests/{req.pk}/{action}/").status_code == 302
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED


def test_statement_pdf_signed_with_chinese_text(client, c):
    """The annual statement as a signed PDF: totals and each unit's balance, CJK font."""
    from tests.pdfcheck import pdf_fonts, pdf_text, signature_valid

    client.force_login(c.owner)
    year = timezone.localdate().year
    response = client.get(f"/fund/estate/{c.estate.code}/statement/{year}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    acc = FundAccount.objects.get(unit=c.owner_unit)
    assert "期末余额" in text and format_money(acc.balance, "plain") in text
    assert c.owner_unit.code in text
    assert "WenQuanYi" in pdf_fonts(response.content)
    assert signature_valid(response.content)
    client.force_login(c.other_owner)
    assert client.get(f"/fund/estate/{c.estate.code}/statement/{year}.pdf").status_code == 403


def _publicised(c, *, ended: bool):
    req = services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        title="屋面防水",
        description="d",
        category="leak",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("1000.00"),
        contractor="x",
    )
    services.fund_request_approve(actor=c.street, request=req)
    services.fund_advance_pay(actor=c.street, request=req)
    services.fund_repair_accept(
        actor=c.company, request=req, final_cost=Decimal("900.00"), invoice_number="1"
    )
    start = timezone.now() - timedelta(days=30 if ended else 0)
    services.fund_publicise(actor=c.company, request=req, now=start)
    req.refresh_from_db()
    return req


def test_money_steps_ask_for_confirmation(client, c):
    """Paying the advance: the first POST shows the amount and asks to confirm, and pays
    nothing; only the confirming POST pays."""
    req = services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        title="电梯维修",
        description="d",
        category="elevator",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("1000.00"),
        contractor="x",
    )
    services.fund_request_approve(actor=c.street, request=req)
    client.force_login(c.street)
    url = f"/fund/requests/{req.pk}/advance/"
    page = client.post(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "¥500.00" in text and 'name="confirm"' in text
    req.refresh_from_db()
    assert req.status == Status.APPROVED and not req.disbursements.exists()
    client.post(url, {"confirm": "1"})
    req.refresh_from_db()
    assert req.status == Status.ADVANCE_PAID and req.disbursements.count() == 1


def test_disbursing_asks_for_confirmation(client, c):
    req = _publicised(c, ended=True)
    client.force_login(c.street)
    url = f"/fund/requests/{req.pk}/disburse/"
    text = client.post(url).content.decode()
    assert "¥400.00" in text and 'name="confirm"' in text  # 900 less the advance
    req.refresh_from_db()
    assert req.status == Status.PUBLICISED
    client.post(url, {"confirm": "1"})
    req.refresh_from_db()
    assert req.status == Status.DISBURSED


def test_steps_not_yet_allowed_are_not_offered(client, c):
    """No disbursement button while the publicity runs or an objection waits for its answer;
    no advance before approval; the confirm page is refused for a step not open."""
    req = _publicised(c, ended=False)
    client.force_login(c.street)
    form = f'action="/fund/requests/{req.pk}/disburse/"'
    assert form not in client.get(f"/fund/requests/{req.pk}/").content.decode()
    response = client.post(f"/fund/requests/{req.pk}/disburse/", follow=True)
    assert 'name="confirm"' not in response.content.decode()
    services.fund_objection_file(actor=c.owner, request=req, text="请说明")
    FundRequest.objects.filter(pk=req.pk).update(
        publicity_ends=timezone.now() - timedelta(minutes=1)
    )
    assert form not in client.get(f"/fund/requests/{req.pk}/").content.decode()
    services.fund_objection_answer(actor=c.street, objection=req.objections.get(), answer="见明细")
    assert form in client.get(f"/fund/requests/{req.pk}/").content.decode()
    assert (
        f'action="/fund/requests/{req.pk}/advance/"'
        not in client.get(f"/fund/requests/{req.pk}/").content.decode()
    )
