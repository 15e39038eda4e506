"""Services of the shared revenue (DOMAIN.md §2a): immutable entries exact to the fen, the
agreed cost share, transfers into the fund apportioned by area (shares summing exactly),
expenses only on a passed vote, months filed late at the boundary of the 10th, statements
posted and told, objections answered and told."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from portal.notifications.models import Notification
from property.fund.models import EntryKind as FundKind
from property.fund.models import FundAccount, LedgerEntry
from property.fund.selectors import fen_sum
from property.registry.models import Unit
from property.revenue import rules, selectors, services
from property.revenue.models import (
    AppendOnlyError,
    Category,
    EntryKind,
    ManagedBy,
    MonthFiling,
    RevenueEntry,
    Statement,
)

from .conftest import aware, voucher

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


def income(c, amount="18000.00", *, category=Category.PARKING, period=MARCH, now=None, **kw):
    return services.revenue_income_add(
        actor=kw.pop("actor", c.company),
        estate=c.estate,
        category=category,
        period=period,
        amount=amount,
        counterparty="地面停车收费",
        voucher=kw.pop("voucher", voucher()),
        now=now or aware(2026, 4, 3),
        **kw,
    )


def test_entries_are_immutable(c):
    """Entries refuse save, delete, queryset update/delete/bulk_update: corrections are
    reversals."""
    e = income(c)
    e.amount = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        e.save()
    with pytest.raises(AppendOnlyError):
        e.delete()
    with pytest.raises(AppendOnlyError):
        RevenueEntry.objects.filter(pk=e.pk).update(amount=Decimal("1.00"))
    with pytest.raises(AppendOnlyError):
        RevenueEntry.objects.filter(pk=e.pk).delete()
    with pytest.raises(AppendOnlyError):
        RevenueEntry.objects.bulk_update([e], ["amount"])
    assert RevenueEntry.objects.get(pk=e.pk).amount == Decimal("18000.00")


def test_sums_to_the_fen(c):
    """Many odd amounts sum exactly (fen arithmetic; SQLite would sum floats)."""
    amounts = ["0.01", "0.10", "1234.56", "99999.99", "0.07", "333.33", "333.33", "333.34"]
    for a in amounts:
        income(c, a)
    expected = sum(Decimal(a) for a in amounts)
    assert selectors.balance(c.estate) == expected == Decimal("102234.73")
    figures = selectors.half_year_figures(c.estate, rules.parse_half_year("2026H1"))
    assert figures["income_total"] == figures["closing"] == str(expected)


def test_agreed_cost_share_is_booked_with_each_income(c):
    services.revenue_settings_set(
        actor=c.committee, estate=c.estate, managed_by=ManagedBy.COMPANY, cost_share_percent="20"
    )
    e = income(c, "0.99")
    share = e.cost_shares.get()
    assert share.kind == EntryKind.COST and share.amount == Decimal("-0.19")  # rounded down
    assert selectors.balance(c.estate) == Decimal("0.80")
    with pytest.raises(services.RevenueError):  # no explicit costs beside the percentage
        services.revenue_cost_add(
            actor=c.company,
            estate=c.estate,
            period=MARCH,
            amount="1.00",
            memo="x",
            now=aware(2026, 4, 3),
        )


def test_only_the_keeper_enters_and_the_committee_configures(c):
    """The gate checks these permissions before a view calls the services (authorization
    happens once, there: tests/portal/test_one_gate.py, the permission matrix)."""
    assert not c.committee.has_perm("revenue.enter", c.estate)  # the company keeps it by default
    assert not c.other_company.has_perm("revenue.enter", c.estate)
    assert c.company.has_perm("revenue.enter", c.estate)
    assert not c.company.has_perm("revenue.configure", c.estate)
    assert c.committee.has_perm("revenue.configure", c.estate)
    services.revenue_settings_set(
        actor=c.committee, estate=c.estate, managed_by=ManagedBy.COMMITTEE, cost_share_percent=""
    )
    income(c, actor=c.committee)
    assert c.committee.has_perm("revenue.enter", c.estate)
    assert not c.company.has_perm("revenue.enter", c.estate)


def test_transfer_credits_every_unit_by_area_exactly(c):
    """The transfer is shared by area with the fund's largest-remainder rule: the credits sum
    exactly to the amount, each unit's share within a fen of its exact share."""
    income(c, "50000.00")
    before = dict(FundAccount.objects.filter(estate=c.estate).values_list("pk", "balance"))
    amount = Decimal("10000.01")
    t = services.revenue_transfer_to_fund(
        actor=c.company, estate=c.estate, period=MARCH, amount=amount, now=aware(2026, 4, 4)
    )
    assert t.amount == -amount and t.kind == EntryKind.TRANSFER
    credited = LedgerEntry.objects.filter(estate=c.estate, kind=FundKind.REVENUE)
    assert credited.aggregate(s=fen_sum())["s"] == 1_000_001
    units = list(Unit.objects.filter(estate=c.estate))
    total_area = sum(u.area for u in units)
    for entry in credited.select_related("account__unit"):
        exact = amount * entry.account.unit.area / total_area
        assert abs(entry.amount - exact) < Decimal("0.01")
    for acc in FundAccount.objects.filter(estate=c.estate):
        got = acc.entries.filter(kind=FundKind.REVENUE).aggregate(s=fen_sum())["s"] or 0
        assert acc.balance == before[acc.pk] + Decimal(got) / 100
    assert selectors.balance(c.estate) == Decimal("39999.99")


def test_transfer_cannot_overdraw_and_writes_nothing(c):
    income(c, "100.00")
    with pytest.raises(services.RevenueError) as exc:
        services.revenue_transfer_to_fund(
            actor=c.company, estate=c.estate, period=MARCH, amount="100.01", now=aware(2026, 4, 4)
        )
    assert exc.value.field == "amount"
    assert not LedgerEntry.objects.filter(kind=FundKind.REVENUE).exists()
    assert RevenueEntry.objects.filter(kind=EntryKind.TRANSFER).count() == 0


def test_transfer_refused_when_a_unit_has_no_fund_ledger(c):
    income(c, "100.00")
    Unit.objects.create(
        estate=c.estate,
        building=Unit.objects.filter(estate=c.estate).first().building,
        code="9-9-9999",
        area=Decimal("50.00"),
    )
    with pytest.raises(services.RevenueError):
        services.revenue_transfer_to_fund(
            actor=c.company, estate=c.estate, period=MARCH, amount="10.00", now=aware(2026, 4, 4)
        )
    assert not RevenueEntry.objects.filter(kind=EntryKind.TRANSFER).exists()
    assert not LedgerEntry.objects.filter(kind=FundKind.REVENUE).exists()


def test_reversal_takes_back_income_and_its_cost_share(c):
    services.revenue_settings_set(
        actor=c.committee, estate=c.estate, managed_by=ManagedBy.COMPANY, cost_share_percent="20"
    )
    e = income(c, "1000.00")
    rev = services.revenue_entry_reverse(
        actor=c.company, entry=e, reason="金额录错", now=aware(2026, 4, 20)
    )
    assert rev.amount == Decimal("-1000.00") and rev.period == date(2026, 4, 1)
    assert selectors.balance(c.estate) == Decimal("0.00")
    assert RevenueEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 2
    with pytest.raises(services.RevenueError):
        services.revenue_entry_reverse(
            actor=c.company, entry=e, reason="again", now=aware(2026, 4, 21)
        )
    figures = selectors.figures_of(RevenueEntry.objects.filter(estate=c.estate))
    assert figures["income_total"] == "0.00" and figures["cost"] == "0.00"


def test_expense_needs_a_passed_vote(c):
    income(c, "1000.00")
    with pytest.raises(services.RevenueError) as exc:
        services.revenue_expense_add(
            actor=c.company,
            estate=c.estate,
            period=MARCH,
            amount="10.00",
            vote=None,
            memo="儿童游乐设施",
            now=aware(2026, 4, 3),
        )
    assert exc.value.field == "vote"


def test_filing_late_at_the_boundary_of_the_10th(c):
    """Filed on the 10th of the next month: on time; on the 11th: late."""
    on_time = services.revenue_month_file(
        actor=c.company, estate=c.estate, period=date(2026, 2, 1), now=aware(2026, 3, 10, 23)
    )
    late = services.revenue_month_file(
        actor=c.company, estate=c.estate, period=date(2026, 3, 1), now=aware(2026, 4, 11, 0)
    )
    assert (on_time.late, late.late) == (False, True)
    assert selectors.overdue_months(c.estate, date(2026, 4, 10)) == [date(2026, 1, 1)]
    with pytest.raises(services.RevenueError):  # a filed month takes no more entries
        income(c, period=date(2026, 3, 1), now=aware(2026, 4, 12))
    with pytest.raises(services.RevenueError):  # the current month cannot be filed
        services.revenue_month_file(
            actor=c.company, estate=c.estate, period=date(2026, 4, 1), now=aware(2026, 4, 12)
        )


def test_late_estates_seen_by_the_street_office(c):
    services.revenue_month_file(
        actor=c.company, estate=c.estate, period=date(2026, 1, 1), now=aware(2026, 2, 5)
    )
    late = dict(selectors.late_estates([c.estate], date(2026, 3, 10)))
    assert late == {}
    late = dict(selectors.late_estates([c.estate], date(2026, 3, 11)))
    assert late[c.estate] == [date(2026, 2, 1)]


def file_half(c, year=2026):
    for m in range(1, 7):
        services.revenue_month_file(
            actor=c.company, estate=c.estate, period=date(year, m, 1), now=aware(2026, 7, 2)
        )


def test_statement_published_posted_and_told(c, settings):
    settings.GONGZHI = {**settings.GONGZHI, "REVENUE_POSTING_DAYS": 15}
    income(c, "18000.00")
    income(c, "5200.00", category=Category.ADVERTISING)
    half = rules.parse_half_year("2026H1")
    with pytest.raises(services.RevenueError):  # months not filed
        services.revenue_statement_publish(
            actor=c.company, estate=c.estate, half=half, now=aware(2026, 7, 3)
        )
    file_half(c)
    with pytest.raises(services.RevenueError):  # the half-year has not ended
        services.revenue_statement_publish(
            actor=c.company,
            estate=c.estate,
            half=rules.parse_half_year("2026H2"),
            now=aware(2026, 7, 3),
        )
    s = services.revenue_statement_publish(
        actor=c.company, estate=c.estate, half=half, now=aware(2026, 7, 3)
    )
    assert s.posted_until - s.published_at == timedelta(days=15)
    assert s.figures["income_total"] == "23200.00" and s.figures["closing"] == "23200.00"
    told = Notification.objects.filter(kind="revenue.statement_posted")
    assert told.filter(recipient=c.owner).exists()
    assert told.filter(recipient=c.committee).exists()
    assert not told.filter(recipient=c.other_owner).exists()
    assert told.get(recipient=c.owner).url == f"/revenue/estate/{c.estate.code}/statement/2026H1/"
    with pytest.raises(services.RevenueError):  # once
        services.revenue_statement_publish(
            actor=c.company, estate=c.estate, half=half, now=aware(2026, 7, 4)
        )
    assert Statement.objects.count() == 1


def test_objection_goes_to_the_committee_and_back(c, settings):
    settings.GONGZHI = {**settings.GONGZHI, "REVENUE_OBJECTION_ANSWER_DAYS": 10}
    e = income(c)
    assert not c.other_owner.has_perm("revenue.object", e)  # the gate refuses before the service
    assert c.owner.has_perm("revenue.object", e)
    o = services.revenue_objection_file(
        actor=c.owner, entry=e, text="停车收入偏低", now=aware(2026, 4, 5)
    )
    assert o.answer_due == date(2026, 4, 15)
    assert Notification.objects.filter(
        kind="revenue.objection_filed", recipient=c.committee
    ).exists()
    assert Notification.objects.filter(
        kind="revenue.objection_received", recipient=c.owner
    ).exists()
    assert not c.company.has_perm("revenue.answer_objection", o)
    assert c.committee.has_perm("revenue.answer_objection", o)
    services.revenue_objection_answer(actor=c.committee, objection=o, answer="已核对道闸日报。")
    assert Notification.objects.filter(
        kind="revenue.objection_answered", recipient=c.owner
    ).exists()
    with pytest.raises(services.RevenueError):
        services.revenue_objection_answer(actor=c.committee, objection=o, answer="again")


def test_refusals_are_in_chinese_and_write_nothing(c):
    with translation.override("zh-hans"):
        for bad, field in (("12.345", "amount"), ("0", "amount"), ("abc", "amount")):
            with pytest.raises(services.RevenueError) as exc:
                income(c, bad)
            assert exc.value.field == field
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value)), str(exc.value)
        with pytest.raises(services.RevenueError) as exc:
            income(c, voucher=voucher("收据.pdf", b"<html>not a pdf</html>"))
        assert exc.value.field == "voucher"
        with pytest.raises(services.RevenueError) as exc:
            income(c, period=date(2025, 12, 1))
        assert exc.value.field == "period"
    assert not RevenueEntry.objects.exists()
    assert not MonthFiling.objects.exists()


def test_published_half_is_closed(c):
    income(c)
    file_half(c)
    services.revenue_statement_publish(
        actor=c.company,
        estate=c.estate,
        half=rules.parse_half_year("2026H1"),
        now=aware(2026, 7, 3),
    )
    with pytest.raises(services.RevenueError):
        income(c, period=date(2026, 6, 1), now=aware(2026, 7, 5))


def test_dashboard_figures_match_the_ledger(c):
    """The dashboards read the revenue as subqueries of their estate query: the same exact
    figures, and the late flag of the same rule."""
    from portal.core.indicators import Extras
    from portal.indicators import scope_under
    from property.revenue.indicators import revenue_figures

    income(c, "1000.01")
    services.revenue_transfer_to_fund(
        actor=c.company, estate=c.estate, period=MARCH, amount="300.00", now=aware(2026, 4, 4)
    )
    path = c.estate.jurisdiction.path
    scope = scope_under(path, len(path))
    figures = revenue_figures(scope, Extras())[path]
    assert figures["revenue_income"] == Decimal("1000.01")
    assert figures["revenue_transfer"] == Decimal("300.00")
    assert figures["revenue_balance"] == selectors.balance(c.estate) == Decimal("700.01")
    assert figures["revenue_late"] == 1  # nothing filed since January
