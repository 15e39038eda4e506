"""Money without bounds (issue 14, finding 4; DOMAIN.md §2 "Bounds").

The attack: an emergency request of ¥999,999,999,999.99 on an estate whose fund holds
¥6,644,002.14 was approved, an advance of ¥499,999,999,999.99 was paid, the settlement went to
−¥499,994,999,999.99 and ``fund_reconcile`` said "Reconciled". These tests replay it through
the pages, as the property company (the applicant) and then the street office (the reviewer),
on an estate whose fund holds exactly ¥6,644,002.14:

* a request's estimate, its advance and its final cost cannot exceed what the ledgers of its
  scope hold, less what other approved projects have committed (no overdraft rule: the owners
  raise the fund first);
* money paid out cannot overdraw the estate's fund;
* reconcile checks the cash paid out (advances and settlements) against the fund;
* a share that would drive a unit's ledger negative is shown to the reviewer before approval,
  and the approval records that the reviewer saw it;
* every money input of the fund is positive, has at most two decimal places and stays below
  ``FUND_MAX_AMOUNT``, with a clear error in the user's language, and nothing is written.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.audit.models import AuditEvent
from property.fund import services
from property.fund.management.commands.fund_reconcile import reconcile
from property.fund.models import (
    Disbursement,
    DisbursementKind,
    EntryKind,
    FundAccount,
    FundRequest,
    LedgerEntry,
    RequestKind,
    Scope,
    Status,
)
from property.fund.selectors import estate_fund_summary
from property.fund.tasks import check_review_deadlines
from property.registry.models import Building

from .factories import cast

pytestmark = pytest.mark.django_db

FUND = Decimal("6644002.14")  # what 滨江花园's fund held in the attack
ATTACK_ESTIMATE = "999999999999.99"
ATTACK_ADVANCE = Decimal("499999999999.99")
ATTACK_SETTLEMENT = Decimal("-499994999999.99")
COST = Decimal("5000000.00")  # the attack's final cost: 499,999,999,999.99 − 499,994,999,999.99


@pytest.fixture
def c(world):
    """The test estate's fund topped up (as interest, so every ledger grows with its balance)
    to hold exactly FUND."""
    c = cast(world)
    services.fund_allocate_interest(
        actor=c.bureau,
        estate=c.estate,
        amount=FUND - estate_fund_summary(c.estate)["balance"],
    )
    assert estate_fund_summary(c.estate)["balance"] == FUND
    return c


def form_data(c, **extra):
    data = {
        "kind": "emergency",
        "category": "elevator",
        "title": "1号楼电梯曳引机更换",
        "description": "电梯困人，曳引机损坏。",
        "scope": Scope.ESTATE,
        "building": "",
        "estimated_cost": "20000.00",
        "contractor": "芜湖迅达电梯工程有限公司",
    }
    data.update(extra)
    return data


def new_url(c):
    return f"/fund/estate/{c.estate.code}/requests/new/"


def submit(c, estimate=COST, **kw):
    args = dict(
        actor=c.company,
        estate=c.estate,
        title="1号楼电梯曳引机更换",
        description="电梯困人，曳引机损坏。",
        category="elevator",
        scope=Scope.ESTATE,
        estimated_cost=estimate,
        contractor="芜湖迅达电梯工程有限公司",
    )
    args.update(kw)
    return services.fund_request_submit(**args)


def filed_before_the_bounds(c, status, estimate=ATTACK_ESTIMATE):
    """A request as the attack left it on file (filed, or filed and approved, before the
    bounds existed): written directly, since no service may create it any more."""
    return FundRequest.objects.create(
        estate=c.estate,
        kind=RequestKind.EMERGENCY,
        category="elevator",
        title="1号楼电梯曳引机更换",
        description="电梯困人，曳引机损坏。",
        scope=Scope.ESTATE,
        estimated_cost=Decimal(estimate),
        contractor="芜湖迅达电梯工程有限公司",
        applicant=c.estate.company,
        created_by=c.company,
        status=status,
        review_deadline=timezone.localdate() + timedelta(days=3),
        decided_at=timezone.now() if status != Status.SUBMITTED else None,
    )


def page_of(response) -> str:
    return response.content.decode()


# ---- the attack, step by step through the pages ---------------------------------------------


def test_attack_filing_an_estimate_beyond_any_sane_amount_is_refused(client, c):
    """The company files ¥999,999,999,999.99: refused on the form (FUND_MAX_AMOUNT), in
    Chinese, and nothing is written."""
    client.force_login(c.company)
    response = client.post(new_url(c), form_data(c, estimated_cost=ATTACK_ESTIMATE))
    assert response.status_code == 200
    assert "金额不得超过 ¥100,000,000.00" in page_of(response)
    assert FundRequest.objects.count() == 0


def test_attack_filing_an_estimate_beyond_the_fund_is_refused(client, c):
    """One fen more than the scope's ledgers hold is refused, naming what they hold; exactly
    what they hold is accepted."""
    client.force_login(c.company)
    response = client.post(new_url(c), form_data(c, estimated_cost="6644002.15"))
    assert response.status_code == 200
    page = page_of(response)
    assert "¥6,644,002.14" in page and "超出可用余额" in page
    assert FundRequest.objects.count() == 0
    response = client.post(new_url(c), form_data(c, estimated_cost="6644002.14"))
    assert response.status_code == 302
    assert FundRequest.objects.get().estimated_cost == FUND


def test_attack_ordinary_use_beyond_the_fund_is_refused(client, c):
    """An ordinary use (matter 5) spends the fund too: beyond it, no request and no vote."""
    from voting.models import Vote

    client.force_login(c.company)
    data = form_data(c, kind="use", category="", estimated_cost="6644002.15")
    response = client.post(new_url(c), data)
    assert response.status_code == 200 and "超出可用余额" in page_of(response)
    assert FundRequest.objects.count() == 0 and Vote.objects.count() == 0


def test_attack_approving_an_estimate_beyond_the_fund_is_refused(client, c):
    """The street office cannot approve a request on file for ¥999,999,999,999.99: the review
    page says so, and the approval is refused."""
    req = filed_before_the_bounds(c, Status.SUBMITTED)
    client.force_login(c.street)
    page = page_of(client.get(f"/fund/requests/{req.pk}/"))
    assert "¥6,644,002.14" in page and "不能批准" in page
    response = client.post(f"/fund/requests/{req.pk}/approve/", {"note": "同意"}, follow=True)
    assert "超出可用余额" in page_of(response)
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED and req.decided_by is None


def test_attack_advance_beyond_the_fund_is_refused(client, c):
    """No advance of ¥499,999,999,999.99 out of a fund of ¥6,644,002.14."""
    req = filed_before_the_bounds(c, Status.APPROVED)
    client.force_login(c.street)
    response = client.post(f"/fund/requests/{req.pk}/advance/", {"confirm": "1"}, follow=True)
    assert "超出可用余额" in page_of(response)
    assert not Disbursement.objects.filter(request=req).exists()
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_attack_final_cost_beyond_the_fund_is_refused(client, c):
    """The company cannot record a final cost beyond the fund (nor beyond FUND_MAX_AMOUNT)."""
    req = submit(c)
    services.fund_request_approve(actor=c.street, request=req)
    client.force_login(c.company)
    for cost, error in ((ATTACK_ESTIMATE, "金额不得超过"), ("6644002.15", "超出可用余额")):
        response = client.post(
            f"/fund/requests/{req.pk}/accept/",
            {"final_cost": cost, "invoice_number": "34001234"},
            follow=True,
        )
        assert error in page_of(response)
        req.refresh_from_db()
        assert req.status == Status.APPROVED and req.final_cost is None


def test_disbursing_more_than_the_fund_now_holds_is_refused(client, c):
    """A cost within the fund when accepted, but the fund shrank before the disbursement (a
    booking was corrected): the disbursement is refused and no ledger is debited."""
    req = submit(c)
    services.fund_request_approve(actor=c.street, request=req)
    services.fund_advance_pay(actor=c.street, request=req)
    services.fund_repair_accept(actor=c.company, request=req, final_cost=COST, invoice_number="1")
    services.fund_publicise(actor=c.company, request=req, now=timezone.now() - timedelta(days=4))
    for entry in LedgerEntry.objects.filter(estate=c.estate, kind=EntryKind.INTEREST):
        services.fund_reverse_entry(actor=c.bureau, entry=entry, reason="利息重复入账")
    client.force_login(c.street)
    response = client.post(f"/fund/requests/{req.pk}/disburse/", {"confirm": "1"}, follow=True)
    assert "超出可用余额" in page_of(response)
    req.refresh_from_db()
    assert req.status == Status.PUBLICISED
    assert not LedgerEntry.objects.filter(request=req, kind=EntryKind.DEBIT).exists()
    assert not FundAccount.objects.filter(estate=c.estate, balance__lt=0).exists()


def test_approved_projects_commit_the_fund(client, c):
    """Two requests each within the fund but together beyond it: the second approval is
    refused, because the first approved project has committed its estimate."""
    first = submit(c, estimate="4000000.00")
    second = submit(c, estimate="4000000.00", title="2号楼电梯曳引机更换")
    services.fund_request_approve(actor=c.street, request=first)
    client.force_login(c.street)
    page = page_of(client.get(f"/fund/requests/{second.pk}/"))
    assert "¥4,000,000.00" in page and "¥2,644,002.14" in page  # committed, available
    client.post(f"/fund/requests/{second.pk}/approve/", {"note": "同意"})
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED


def test_the_whole_attack_ends_at_the_first_step_and_reconciles(client, c):
    """Through the pages: the company files, the street office approves and pays the advance,
    the company accepts and publicises, the street office disburses. With the attack's figures
    nothing gets past the filing; with the fund's own figures the journey reconciles."""
    client.force_login(c.company)
    client.post(new_url(c), form_data(c, estimated_cost=ATTACK_ESTIMATE))
    assert not FundRequest.objects.exists()
    client.post(new_url(c), form_data(c, estimated_cost=str(COST)))
    req = FundRequest.objects.get()
    base = f"/fund/requests/{req.pk}/"
    client.force_login(c.street)
    client.post(base + "approve/", {"note": "同意"})
    client.post(base + "advance/", {"confirm": "1"})
    client.force_login(c.company)
    client.post(base + "accept/", {"final_cost": str(COST), "invoice_number": "34001234"})
    client.post(base + "publicise/")
    FundRequest.objects.filter(pk=req.pk).update(
        publicity_ends=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(c.street)
    client.post(base + "disburse/", {"confirm": "1"})
    req.refresh_from_db()
    assert req.status == Status.DISBURSED
    paid = {d.kind: d.amount for d in req.disbursements.all()}
    assert paid == {"advance": Decimal("2500000.00"), "settlement": Decimal("2500000.00")}
    assert estate_fund_summary(c.estate)["balance"] == FUND - COST
    assert reconcile()[1] == []


# ---- reconcile checks the cash paid out ----------------------------------------------------


def disbursed_project(c):
    req = submit(c)
    services.fund_request_approve(actor=c.street, request=req)
    services.fund_advance_pay(actor=c.street, request=req)
    services.fund_repair_accept(actor=c.company, request=req, final_cost=COST, invoice_number="1")
    services.fund_publicise(actor=c.company, request=req, now=timezone.now() - timedelta(days=4))
    return services.fund_disburse(actor=c.street, request=req)


def test_reconcile_reports_the_attack_s_cash_paid_out(c):
    """The attack's end state: the ledgers were debited ¥5,000,000.00 (the sum of the shares),
    so every ledger sum agrees; but an advance of ¥499,999,999,999.99 was paid out of a fund of
    ¥6,644,002.14. Reconcile reports it and the command fails."""
    req = disbursed_project(c)
    assert reconcile()[1] == []
    FundRequest.objects.filter(pk=req.pk).update(estimated_cost=Decimal(ATTACK_ESTIMATE))
    Disbursement.objects.filter(request=req, kind=DisbursementKind.ADVANCE).update(
        amount=ATTACK_ADVANCE
    )
    Disbursement.objects.filter(request=req, kind=DisbursementKind.SETTLEMENT).update(
        amount=ATTACK_SETTLEMENT
    )
    problems = reconcile()[1]
    assert any("paid out 499999999999.99" in p and "held 6644002.14" in p for p in problems)
    with pytest.raises(CommandError):
        call_command("fund_reconcile", stdout=StringIO(), stderr=StringIO())


def test_reconcile_reports_cash_paid_without_a_ledger_charge(c):
    """A settlement larger than the final cost less the advance: more cash left the fund than
    the unit ledgers were charged."""
    req = disbursed_project(c)
    Disbursement.objects.filter(request=req, kind=DisbursementKind.SETTLEMENT).update(
        amount=Decimal("2500000.01")
    )
    problems = reconcile()[1]
    assert any(f"project {req.pk}" in p and "paid 5000000.01" in p for p in problems)


def test_reconcile_reports_an_advance_paid_after_its_settlement(c):
    """Cash leaves in the workflow's order: an advance dated after its settlement is wrong."""
    req = disbursed_project(c)
    settlement = req.disbursements.get(kind=DisbursementKind.SETTLEMENT)
    Disbursement.objects.filter(request=req, kind=DisbursementKind.ADVANCE).update(
        paid_at=settlement.paid_at + timedelta(days=30)
    )
    problems = reconcile()[1]
    assert any(f"project {req.pk}" in p and "after its settlement" in p for p in problems)


# ---- a share that would drive a unit negative is shown before approval -----------------------


@pytest.fixture
def short(world):
    """The plain test estate (¥65,900.00 in 7 ledgers), where the owner's unit 1-1-0101 has had
    its first deposit reversed: its ledger holds nothing."""
    c = cast(world)
    deposit = LedgerEntry.objects.get(account__unit=c.owner_unit, kind=EntryKind.DEPOSIT)
    services.fund_reverse_entry(actor=c.bureau, entry=deposit, reason="首次交存金额有误")
    return c


def test_review_page_shows_each_unit_that_would_go_negative(client, short):
    """At ¥10,000.00 over building 1 (659.00 m²), unit 1-1-0101 (89.50 m²) would owe
    ¥1,358.12 with ¥0.00 on its ledger: the reviewer sees the unit and the amount short."""
    c = short
    req = submit(c, estimate="10000.00", scope=Scope.BUILDING, building=building(c))
    client.force_login(c.street)
    page = page_of(client.get(f"/fund/requests/{req.pk}/"))
    assert "将出现负余额的分户" in page
    row = page.split('data-unit="1-1-0101"', 1)[1].split("</tr>", 1)[0]
    assert "1,358.12" in row  # share and amount short (the balance is 0.00)
    assert 'data-unit="1-1-0102"' not in page  # units that can pay are not listed
    assert 'name="shortfalls_seen"' in page
    # A company or an owner of the estate does not get the review form.
    client.force_login(c.company)
    assert "将出现负余额的分户" not in page_of(client.get(f"/fund/requests/{req.pk}/"))


def building(c):
    return Building.objects.get(estate=c.estate, code="1")


def test_approval_records_that_the_reviewer_saw_the_shortfall(client, short):
    """Approving without confirming the list is refused; with it, the approval stores the list
    the reviewer saw and the audit event says so."""
    c = short
    req = submit(c, estimate="10000.00", scope=Scope.BUILDING, building=building(c))
    client.force_login(c.street)
    base = f"/fund/requests/{req.pk}/"
    response = client.post(base + "approve/", {"note": "同意"}, follow=True)
    assert "请查看" in page_of(response)
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED
    page = page_of(client.get(base))
    seen = page.split('name="shortfalls_seen" value="', 1)[1].split('"', 1)[0]
    client.post(base + "approve/", {"note": "同意", "shortfalls_seen": seen})
    req.refresh_from_db()
    assert req.status == Status.APPROVED and req.decided_by == c.street
    assert req.shortfalls_seen == [
        {
            "unit": "1-1-0101",
            "balance": "0.00",
            "committed": "0.00",
            "share": "1358.12",
            "short": "1358.12",
        }
    ]
    event = AuditEvent.objects.get(action="fund.request_approved", object_id=str(req.pk))
    assert event.details["shortfalls_seen"] == 1
    assert "1-1-0101" in page_of(client.get(base))  # the record stays on the request's page


def test_a_changed_shortfall_must_be_seen_again(client, short):
    """The confirmation is of the list shown: if it changed since (another project approved),
    the approval is refused until the reviewer looks again."""
    c = short
    req = submit(c, estimate="10000.00", scope=Scope.BUILDING, building=building(c))
    client.force_login(c.street)
    base = f"/fund/requests/{req.pk}/"
    page = page_of(client.get(base))
    seen = page.split('name="shortfalls_seen" value="', 1)[1].split('"', 1)[0]
    other = submit(c, estimate="30000.00", title="屋面防水", category="leak")
    other_page = page_of(client.get(f"/fund/requests/{other.pk}/"))
    other_seen = other_page.split('name="shortfalls_seen" value="', 1)[1].split('"', 1)[0]
    client.post(f"/fund/requests/{other.pk}/approve/", {"shortfalls_seen": other_seen})
    assert FundRequest.objects.get(pk=other.pk).status == Status.APPROVED
    client.post(base + "approve/", {"note": "同意", "shortfalls_seen": seen})
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED


def test_no_deemed_approval_when_a_unit_would_go_negative(short, settings):
    """Silence cannot approve what a person has to look at: the worker escalates instead."""
    c = short
    settings.GONGZHI = {**settings.GONGZHI, "FUND_DEEMED_APPROVAL": True}
    filed = timezone.make_aware(datetime(2025, 11, 3, 10))
    req = submit(c, estimate="10000.00", scope=Scope.BUILDING, building=building(c), now=filed)
    done = check_review_deadlines(today=date(2025, 11, 7))
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED and not req.deemed_approved
    assert done["escalated"] == 1 and req.escalated_at is not None


# ---- every money input of the fund is bounded --------------------------------------------


BAD_AMOUNTS = [
    ("0", "金额必须大于零"),
    ("-100.00", "金额必须大于零"),
    ("100.001", "金额最多保留两位小数"),
    ("abc", "请以数字填写金额"),
    ("NaN", "请以数字填写金额"),
    ("Infinity", "请以数字填写金额"),
    ("1e400", "请以数字填写金额"),  # no exponent forms
    ("100000000.01", "金额不得超过 ¥100,000,000.00"),
]


@pytest.mark.parametrize("value, error", BAD_AMOUNTS)
def test_request_form_refuses_bad_amounts(client, c, value, error):
    client.force_login(c.company)
    response = client.post(new_url(c), form_data(c, estimated_cost=value))
    assert response.status_code == 200 and error in page_of(response)
    assert FundRequest.objects.count() == 0


@pytest.mark.parametrize("value, error", BAD_AMOUNTS)
def test_acceptance_form_refuses_bad_amounts(client, c, value, error):
    req = submit(c, estimate="20000.00")
    services.fund_request_approve(actor=c.street, request=req)
    client.force_login(c.company)
    response = client.post(
        f"/fund/requests/{req.pk}/accept/",
        {"final_cost": value, "invoice_number": "1"},
        follow=True,
    )
    assert error in page_of(response)
    req.refresh_from_db()
    assert req.status == Status.APPROVED and req.final_cost is None


def test_amount_errors_are_in_the_user_s_language(client, c, settings):
    """The same refusal in English for a user who chose English (the language cookie)."""
    client.force_login(c.company)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(new_url(c), form_data(c, estimated_cost="100.001"))
    assert "An amount has at most two decimal places" in page_of(response)
    response = client.post(new_url(c), form_data(c, estimated_cost="6644002.15"))
    assert "exceeds what is available" in page_of(response)


def test_the_maximum_is_a_setting(client, c, settings):
    settings.GONGZHI = {**settings.GONGZHI, "FUND_MAX_AMOUNT": "50000.00"}
    client.force_login(c.company)
    response = client.post(new_url(c), form_data(c, estimated_cost="50000.01"))
    assert "金额不得超过 ¥50,000.00" in page_of(response)
    response = client.post(new_url(c), form_data(c, estimated_cost="50000.00"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "value",
    ["0", "-1.00", "1.001", "1e3", "NaN", Decimal("NaN"), Decimal("Infinity"), 1.5, True, None]
    + ["100000000.01", Decimal("100000000.01"), 10**20],
)
@pytest.mark.parametrize("service", ["refill", "first_deposit", "interest", "estimate"])
def test_services_refuse_bad_amounts_with_a_fund_error(c, service, value):
    """The services are the gate of every caller (pages, commands, the worker, an API): each
    money argument is checked there too, with a FundError (a message for the user), and
    nothing is written."""
    before = (LedgerEntry.objects.count(), FundRequest.objects.count(), FundAccount.objects.count())
    acc = FundAccount.objects.get(unit=c.owner_unit)
    with pytest.raises(services.FundError):
        if service == "refill":
            services.fund_refill(actor=c.bureau, account=acc, amount=value)
        elif service == "first_deposit":
            from property.registry.models import Unit

            unit = Unit.objects.create(
                estate=c.estate, building=building(c), code="1-9-0901", area=Decimal("80.00")
            )
            services.fund_open_account(actor=c.bureau, unit=unit, first_deposit=value)
        elif service == "interest":
            services.fund_allocate_interest(actor=c.bureau, estate=c.estate, amount=value)
        else:
            submit(c, estimate=value)
    after = (LedgerEntry.objects.count(), FundRequest.objects.count(), FundAccount.objects.count())
    assert after == before
