"""Services of the maintenance fund (DOMAIN.md §2): the emergency journey, exact sharing,
the developer paying for unsold units, refills, working-day deadlines, deemed approval,
reconciliation and immutability."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.core.templatetags.numbers import format_money
from portal.notifications.models import Notification
from property.fund import services
from property.fund.management.commands.fund_reconcile import reconcile
from property.fund.models import (
    AppendOnlyError,
    EntryKind,
    FundAccount,
    FundRequest,
    LedgerEntry,
    RequestShare,
    Scope,
    Status,
)
from property.fund.selectors import estate_fund_summary, unit_balance
from property.fund.tasks import check_review_deadlines
from property.registry.models import Building, Holiday, Unit

from .factories import cast

pytestmark = pytest.mark.django_db


def aware(y, m, d, h=10):
    return timezone.make_aware(datetime(y, m, d, h))


@pytest.fixture
def c(world):
    return cast(world)


def submit(c, **kw):
    args = dict(
        actor=c.company,
        estate=c.estate,
        title="1号楼电梯曳引机故障",
        description="电梯困人，曳引机损坏。",
        category="elevator",
        scope=Scope.BUILDING,
        building=Building.objects.get(estate=c.estate, code="1"),
        estimated_cost=Decimal("10000.00"),
        contractor="芜湖迅达电梯工程有限公司",
    )
    args.update(kw)
    return services.fund_request_submit(**args)


def run_to_publicity(c, final="9999.99", **kw):
    req = submit(c, **kw)
    services.fund_request_approve(actor=c.street, request=req)
    services.fund_advance_pay(actor=c.street, request=req)
    services.fund_repair_accept(
        actor=c.company, request=req, final_cost=Decimal(final), invoice_number="34001234"
    )
    start = timezone.now() - timedelta(days=4)
    return services.fund_publicise(actor=c.company, request=req, now=start)


def test_emergency_journey_debits_each_owner_exact_share(c, client):
    """Done-when: the company files an elevator emergency, the street office approves within
    the deadline, the repair is accepted and publicised, and each owner's ledger shows the exact
    share; shares by area sum exactly to the final cost (Order 165 Art. 20-21, Art. 24)."""
    before = {a.unit_id: a.balance for a in FundAccount.objects.filter(estate=c.estate)}
    req = submit(c)
    assert req.status == Status.SUBMITTED and req.review_deadline >= timezone.localdate()
    services.fund_request_approve(actor=c.street, request=req, note="同意")
    advance = services.fund_advance_pay(actor=c.street, request=req)
    assert advance.amount == Decimal("5000.00")
    # The advance is not debited from unit ledgers (it is settled by the final debit).
    assert LedgerEntry.objects.filter(kind=EntryKind.DEBIT).count() == 0
    services.fund_repair_accept(
        actor=c.company, request=req, final_cost=Decimal("9999.99"), invoice_number="34001234"
    )
    services.fund_publicise(actor=c.company, request=req, now=timezone.now() - timedelta(days=3))
    services.fund_disburse(actor=c.street, request=req)
    req.refresh_from_db()
    assert req.status == Status.DISBURSED
    shares = {s.unit_id: s.amount for s in req.shares.all()}
    assert sum(shares.values()) == Decimal("9999.99")
    scope = Unit.objects.filter(estate=c.estate, building__code="1")
    assert set(shares) == set(scope.values_list("pk", flat=True))
    for acc in FundAccount.objects.filter(estate=c.estate):
        assert acc.balance == before[acc.unit_id] - shares.get(acc.unit_id, 0)
    settlement = req.disbursements.get(kind="settlement")
    assert settlement.amount == Decimal("4999.99")
    assert not reconcile()[1]
    # The owner sees the exact share on their ledger page.
    client.force_login(c.owner)
    page = client.get("/fund/my/").content.decode()
    assert format_money(shares[c.owner_unit.pk], "plain") in page and req.title in page
    actions = set(
        AuditEvent.objects.filter(object_id=str(req.pk), action__startswith="fund.").values_list(
            "action", flat=True
        )
    )
    assert {
        "fund.request_submitted",
        "fund.request_approved",
        "fund.advance_paid",
        "fund.repair_accepted",
        "fund.publicised",
        "fund.disbursed",
    } <= actions


def test_share_by_area_largest_remainder_and_developer_pays(c):
    """The developer pays the share of its unsold units like any owner (Civil Code Art. 283);
    1 yuan over 7 units by area: the leftover fen go to the largest remainders."""
    req = run_to_publicity(c, final="1.00")
    shares = {s.unit.code: s.amount for s in req.shares.select_related("unit")}
    assert sum(shares.values()) == Decimal("1.00")
    assert shares["1-1-0201"] > 0 and shares["1-1-0202"] > 0  # developer's unsold units
    assert shares["1-1-0102"] == shares["1-1-0202"]  # equal areas, equal shares
    services.fund_disburse(actor=c.street, request=req)
    dev = FundAccount.objects.get(unit__code="1-1-0201", estate=c.estate)
    assert dev.entries.filter(kind=EntryKind.DEBIT).get().amount == -shares["1-1-0201"]


def test_scope_stairwell_and_listed_units(c):
    """Only the scope's units share: one stairwell, or a list of units."""
    b = Building.objects.get(estate=c.estate, code="1")
    r1 = run_to_publicity(c, scope=Scope.STAIRWELL, building=b, stairwell="2", final="150.00")
    assert {s.unit.code: s.amount for s in r1.shares.all()} == {
        "1-2-0101": Decimal("75.00"),
        "1-2-0102": Decimal("75.00"),
    }
    units = list(Unit.objects.filter(estate=c.estate, code__in=["1-1-0101", "1-1-0301"]))
    r2 = run_to_publicity(c, scope=Scope.UNITS, units=units, final="100.01")
    assert sorted(s.amount for s in r2.shares.all()) == [Decimal("50.00"), Decimal("50.01")]


def test_refill_threshold_boundary_and_notice(c, django_capture_on_commit_callbacks):
    """Refill is due strictly below 30% of the first deposit (Order 165 Art. 17): exactly 30%
    is not due, one fen less is, and the owner is emailed."""
    acc = FundAccount.objects.get(unit=c.owner_unit)  # 89.50 m² × 100 = 8950.00
    assert acc.first_deposit == Decimal("8950.00")
    units = [c.owner_unit]
    # Take the balance to exactly 30% (2685.00): debit 6265.00.
    r = run_to_publicity(
        c, scope=Scope.UNITS, units=units, final="6265.00", estimated_cost=Decimal("6265.00")
    )
    services.fund_disburse(actor=c.street, request=r)
    acc.refresh_from_db()
    assert acc.balance == Decimal("2685.00") and not acc.refill_due
    assert estate_fund_summary(c.estate)["refill_due"] == 0
    mail.outbox.clear()
    r = run_to_publicity(
        c, scope=Scope.UNITS, units=units, final="0.01", title="小修", estimated_cost="0.01"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.fund_disburse(actor=c.street, request=r)
    acc.refresh_from_db()
    assert acc.balance == Decimal("2684.99") and acc.refill_due
    assert estate_fund_summary(c.estate)["refill_due"] == 1
    refill = Notification.objects.filter(kind="fund.refill_due")
    assert [n.recipient for n in refill] == [c.owner]
    assert [c.owner.email] in [m.to for m in mail.outbox]
    assert acc.refill_notified_at is not None
    services.fund_refill(actor=c.bureau, account=acc, amount=Decimal("0.01"))
    acc.refresh_from_db()
    assert not acc.refill_due
    assert unit_balance(c.owner_unit) == Decimal("2685.00")


@pytest.mark.parametrize(
    "filed, deadline",
    [
        # Friday before National Day 2025: Sunday 28 Sept is a make-up working day.
        (date(2025, 9, 26), date(2025, 9, 30)),
        # Last day before the 1-8 Oct holiday: 9, 10 Oct and Saturday 11 Oct (make-up).
        (date(2025, 9, 30), date(2025, 10, 11)),
        # An ordinary week: Monday → Thursday.
        (date(2025, 11, 3), date(2025, 11, 6)),
    ],
)
def test_review_deadline_counts_working_days_across_holidays(c, filed, deadline):
    """The review deadline is 3 working days on the official calendar with its make-up
    working days (DOMAIN.md §2; data in the Holiday table)."""
    req = submit(c, now=aware(filed.year, filed.month, filed.day))
    assert req.review_deadline == deadline


def test_holiday_table_is_the_calendar(c):
    """The bureau edits the calendar as data: a new holiday moves the deadline."""
    assert Holiday.objects.filter(date=date(2025, 10, 1), kind="holiday").exists()
    before = submit(c, now=aware(2025, 11, 3)).review_deadline
    Holiday.objects.create(date=date(2025, 11, 4), kind="holiday", name="测试")
    after = submit(c, now=aware(2025, 11, 3), title="另一项").review_deadline
    assert (before, after) == (date(2025, 11, 6), date(2025, 11, 7))


def test_deemed_approval_after_deadline_when_enabled(c, settings):
    """Silence means approval where the setting says so (Fujian): the worker approves the
    request once its deadline has passed, never before."""
    settings.GONGZHI = {**settings.GONGZHI, "FUND_DEEMED_APPROVAL": True}
    req = submit(c, now=aware(2025, 11, 3))  # deadline Thursday 6 Nov
    check_review_deadlines(today=date(2025, 11, 6))
    assert FundRequest.objects.get(pk=req.pk).status == Status.SUBMITTED
    check_review_deadlines(today=date(2025, 11, 7))
    req.refresh_from_db()
    assert req.status == Status.APPROVED and req.deemed_approved and req.decided_by is None
    assert AuditEvent.objects.filter(action="fund.request_deemed_approved").count() == 1


def test_no_deemed_approval_by_default_reminder_then_escalation(
    c, django_capture_on_commit_callbacks
):
    """By default silence is not approval: the reviewers are reminded when one working day is
    left, and the bureau is alerted once the deadline has passed."""
    req = submit(c, now=aware(2025, 11, 3))  # deadline Thursday 6 Nov
    with pytest.raises(services.FundError):
        services.fund_request_deem_approved(request=req, today=date(2025, 11, 10))
    mail.outbox.clear()
    assert check_review_deadlines(today=date(2025, 11, 4))["reminded"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert check_review_deadlines(today=date(2025, 11, 5))["reminded"] == 1
    assert any(c.street.email in m.to for m in mail.outbox)
    assert check_review_deadlines(today=date(2025, 11, 5))["reminded"] == 0  # once
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert check_review_deadlines(today=date(2025, 11, 7))["escalated"] == 1
    assert [m.to for m in mail.outbox] == [[c.bureau.email]]
    req.refresh_from_db()
    assert req.status == Status.SUBMITTED and req.escalated_at is not None


def test_steps_out_of_order_are_refused(c):
    """Each step needs the state before it: no disbursing before publicity is over, no
    disbursing with an unanswered objection, and never twice."""
    req = submit(c)
    with pytest.raises(services.FundError):
        services.fund_advance_pay(actor=c.street, request=req)
    services.fund_request_approve(actor=c.street, request=req)
    with pytest.raises(services.FundError):
        services.fund_request_approve(actor=c.street, request=req)
    services.fund_repair_accept(
        actor=c.company, request=req, final_cost=Decimal("800.00"), invoice_number="1"
    )
    services.fund_publicise(actor=c.company, request=req)
    with pytest.raises(services.FundError):
        services.fund_disburse(actor=c.street, request=req)
    objection = services.fund_objection_file(actor=c.owner, request=req, text="费用偏高")
    later = timezone.now() + timedelta(days=4)
    with pytest.raises(services.FundError):
        services.fund_disburse(actor=c.street, request=req, now=later)
    services.fund_objection_answer(actor=c.street, objection=objection, answer="已核实")
    services.fund_disburse(actor=c.street, request=req, now=later)
    with pytest.raises(services.FundError):
        services.fund_disburse(actor=c.street, request=req, now=later)
    assert LedgerEntry.objects.filter(request=req, kind=EntryKind.DEBIT).count() == 7


def test_rejection_needs_reason_and_stops_the_request(c):
    req = submit(c)
    with pytest.raises(services.FundError):
        services.fund_request_reject(actor=c.street, request=req, note=" ")
    services.fund_request_reject(actor=c.street, request=req, note="不属于紧急情形")
    with pytest.raises(services.FundError):
        services.fund_repair_accept(
            actor=c.company, request=req, final_cost=Decimal("1.00"), invoice_number="1"
        )


def test_emergency_needs_a_listed_category(c):
    with pytest.raises(services.FundError):
        submit(c, category="")


def test_entries_are_immutable_corrections_are_reversals(c):
    """A correction is a reversing entry, never an edit (DOMAIN.md §2)."""
    acc = FundAccount.objects.get(unit=c.owner_unit)
    entry = services.fund_refill(actor=c.bureau, account=acc, amount=Decimal("100.00"))
    entry.amount = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("0"))
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    services.fund_reverse_entry(actor=c.bureau, entry=entry, reason="录入错误")
    with pytest.raises(services.FundError):
        services.fund_reverse_entry(actor=c.bureau, entry=entry, reason="again")
    acc.refresh_from_db()
    assert acc.balance == Decimal("8950.00")
    assert not reconcile()[1]


def test_interest_allocated_by_balance_exactly(c):
    """Interest is allocated by balance with the largest-remainder method; sums exactly."""
    total_before = estate_fund_summary(c.estate)["balance"]
    entries = services.fund_allocate_interest(
        actor=c.bureau, estate=c.estate, amount=Decimal("123.45")
    )
    assert sum(e.amount for e in entries) == Decimal("123.45")
    assert estate_fund_summary(c.estate)["balance"] == total_before + Decimal("123.45")


def test_reconcile_after_many_operations_and_detects_tampering(c, world):
    """Estate and city totals reconcile exactly with the unit ledgers after many operations;
    a cached balance changed behind the services' back is caught."""
    for i in range(5):
        r = run_to_publicity(c, final=f"{1234 + i * 17}.{i:02d}", title=f"项目{i}")
        services.fund_disburse(actor=c.street, request=r)
        services.fund_allocate_interest(actor=c.bureau, estate=c.estate, amount=Decimal("9.99"))
    acc = FundAccount.objects.get(unit=c.owner_unit)
    e = services.fund_refill(actor=c.bureau, account=acc, amount=Decimal("500.00"))
    services.fund_reverse_entry(actor=c.bureau, entry=e, reason="重复入账")
    figures, problems = reconcile()
    assert problems == [] and figures["projects"] == 5
    summaries = sum(estate_fund_summary(e)["balance"] for e in world.estates)
    assert summaries == figures["city_total"]
    FundAccount.objects.filter(pk=acc.pk).update(balance=acc.balance + Decimal("0.01"))
    problems = reconcile()[1]
    assert any(f"ledger {acc.pk}" in p for p in problems)
    assert any("city" in p for p in problems)


def test_estate_fund_summary_contract(c):
    """docs/contracts.md: balance, units, refill_due, open_requests."""
    submit(c)
    s = estate_fund_summary(c.estate)
    assert set(s) == {"balance", "units", "refill_due", "open_requests"}
    assert s["units"] == 7 and s["open_requests"] == 1
    assert s["balance"] == sum(a.balance for a in FundAccount.objects.filter(estate=c.estate))


def test_vote_result_moves_ordinary_request(c):
    """An ordinary use proceeds only if its owners' vote (matter 5) passed (docs/contracts.md)."""
    req = submit(c, kind="use", category="")
    assert req.status == Status.VOTING and req.review_deadline is None
    services.vote_result_recorded(vote_id=req.vote_id, outcome="passed")
    assert FundRequest.objects.get(pk=req.pk).status == Status.APPROVED
    req2 = submit(c, kind="raise", category="", title="续筹")
    services.vote_result_recorded(vote_id=req2.vote_id, outcome="invalid")
    assert FundRequest.objects.get(pk=req2.pk).status == Status.REJECTED


def test_share_rows_survive_only_once_per_unit(c):
    req = run_to_publicity(c)
    assert RequestShare.objects.filter(request=req).count() == 7


@pytest.mark.parametrize(
    "step",
    ["submit", "approve", "reject", "advance", "accept", "publicise", "object", "disburse", "book"],
)
def test_wrong_role_or_jurisdiction_refused(c, world, step):
    """Every step checks role AND jurisdiction: owners, other streets, other estates'
    companies and the wrong kind of organisation are refused."""
    wrong = {
        "submit": [c.owner, c.street, c.committee, c.other_company, c.other_street, c.bureau],
        "approve": [c.company, c.owner, c.other_street, c.committee],
        "reject": [c.company, c.owner, c.other_street],
        "advance": [c.company, c.owner, c.other_street],
        "accept": [c.street, c.owner, c.other_company, c.committee],
        "publicise": [c.street, c.owner, c.other_company],
        "object": [c.other_owner, c.company, c.other_street],
        "disburse": [c.company, c.owner, c.other_street, c.committee],
        "book": [c.street, c.company, c.owner, c.committee],
    }[step]
    req = submit(c)
    if step in ("accept", "publicise", "object", "disburse"):
        services.fund_request_approve(actor=c.street, request=req)
    if step in ("publicise", "object", "disburse"):
        services.fund_repair_accept(
            actor=c.company, request=req, final_cost=Decimal("10.00"), invoice_number="1"
        )
    if step in ("object", "disburse"):
        services.fund_publicise(actor=c.company, request=req)
    # The gate checks this permission before the view calls the service (authorization
    # happens once, there: tests/portal/test_one_gate.py, the permission matrix).
    perm, obj = {
        "submit": ("fund.submit_request", c.estate),
        "approve": ("fund.review_request", req),
        "reject": ("fund.review_request", req),
        "advance": ("fund.pay_advance", req),
        "accept": ("fund.accept_repair", req),
        "publicise": ("fund.publicise", req),
        "object": ("fund.file_objection", req),
        "disburse": ("fund.disburse", req),
        "book": ("fund.book_entry", c.estate),
    }[step]
    for user in wrong:
        assert not user.has_perm(perm, obj), user


def test_applicant_follows_who_holds_the_fund(c, world):
    """Owners' committee if the assembly holds the fund, else the property company, else the
    residents' committee (Order 165 Art. 24; DOMAIN.md §2)."""
    from .factories import member_of, residents_committee

    c.estate.assembly_holds_fund = True
    c.estate.save()
    assert not c.company.has_perm("fund.submit_request", c.estate)
    req = submit(c, actor=c.committee)
    assert req.applicant == world.committees[0]
    c.estate.assembly_holds_fund = False
    c.estate.company = None
    c.estate.save()
    rc_staff = member_of(residents_committee(world))
    assert not c.committee.has_perm("fund.submit_request", c.estate)
    req = submit(c, actor=rc_staff, title="居委会申请")
    assert req.applicant.kind == "residents_committee"


def test_vote_finalised_receiver_follows_the_contract(c):
    """docs/contracts.md: vote_finalised(sender=Vote, vote=..., outcome=...) → the receiver moves
    the ordinary request whose vote it is; other votes are ignored."""
    from types import SimpleNamespace

    from property.fund.receivers import on_vote_finalised

    req = submit(c, kind="use", category="")
    on_vote_finalised(sender=object, vote=SimpleNamespace(pk=req.vote_id + 1), outcome="passed")
    assert FundRequest.objects.get(pk=req.pk).status == Status.VOTING
    on_vote_finalised(sender=object, vote=SimpleNamespace(pk=req.vote_id), outcome="failed")
    assert FundRequest.objects.get(pk=req.pk).status == Status.REJECTED


def test_ensure_schedules_is_idempotent(db):
    from django_q.models import Schedule

    from portal.core.schedules import ensure_schedules

    ensure_schedules()
    ensure_schedules()
    names = set(Schedule.objects.values_list("name", flat=True))
    assert {"fund.check_review_deadlines", "fund.refill_sweep"} <= names
    assert Schedule.objects.filter(name__startswith="fund.").count() == 2
