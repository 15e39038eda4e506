"""Who the shared revenue tells, and nobody else: the ledger's keeper of a month due, the
estate's owners, committee and company of a posted statement, the committee of an objection
and the owner of its receipt and answer. Each link opens for its recipient on the
configured host."""

from datetime import date

import pytest
from django.utils import timezone

from property.revenue import rules, services
from property.revenue.models import Category
from tests.notifying import assert_link_opens, assert_told, use_base

from .conftest import aware, voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def n(c, settings):
    use_base(settings)
    return c


def _income(c):
    return services.revenue_income_add(
        actor=c.company,
        estate=c.estate,
        category=Category.ADVERTISING,
        period=date(2026, 3, 1),
        amount="5200.00",
        counterparty="电梯广告合同",
        voucher=voucher(),
        now=aware(2026, 4, 3),
    )


def test_month_due_tells_the_keeper(client, n, django_capture_on_commit_callbacks):
    others = [n.other_company, n.owner, n.street]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.revenue_due_remind(estate=n.estate, today=date(2026, 5, 1)) >= 1
    assert_told("revenue.month_due", to=[n.company], not_to=others)
    assert_link_opens(client, "revenue.month_due", n.company)


def test_statement_posted_tells_the_estate(client, n, django_capture_on_commit_callbacks):
    _income(n)
    for m in range(1, 7):
        services.revenue_month_file(
            actor=n.company, estate=n.estate, period=date(2026, m, 1), now=aware(2026, 7, 2)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.revenue_statement_publish(
            actor=n.company,
            estate=n.estate,
            half=rules.parse_half_year("2026H1"),
            now=timezone.now(),
        )
    assert_told(
        "revenue.statement_posted",
        to=[n.owner, n.committee, n.company],
        not_to=[n.other_owner, n.other_company, n.other_street],
    )
    assert_link_opens(client, "revenue.statement_posted", n.owner)


def test_objection_tells_both_sides(client, n, django_capture_on_commit_callbacks):
    entry = _income(n)
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.revenue_objection_file(actor=n.owner, entry=entry, text="请公示合同")
    assert_told("revenue.objection_filed", to=[n.committee], not_to=[n.owner, n.other_owner])
    assert_link_opens(client, "revenue.objection_filed", n.committee)
    assert_told("revenue.objection_received", to=[n.owner], not_to=[n.committee])
    assert_link_opens(client, "revenue.objection_received", n.owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.revenue_objection_answer(
            actor=n.committee, objection=objection, answer="合同已公示"
        )
    assert_told(
        "revenue.objection_answered", to=[n.owner, n.company], not_to=[n.other_owner, n.street]
    )
    assert_link_opens(client, "revenue.objection_answered", n.owner)
