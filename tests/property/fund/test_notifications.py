"""Every step of a fund request tells the people who act next, and nobody else (issue 16):
the street office over the estate (not another street's), the applicant and the estate's
committee (not another company), the estate's owners (not another estate's). Each email
links, on the configured host, to the page where the recipient acts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from property.fund import services
from property.fund.models import FundAccount, Scope
from property.fund.tasks import check_review_deadlines, send_refill_notices
from tests.notifying import assert_link_opens, assert_told, use_base

from .factories import cast
from .test_services import aware, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(world, settings):
    use_base(settings)
    return cast(world)


def test_every_step_of_an_emergency_request(client, c, django_capture_on_commit_callbacks):
    others = [c.other_street, c.other_company, c.other_owner]
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(c, scope=Scope.ESTATE, building=None)
    assert_told("fund.request_filed", to=[c.street], not_to=[*others, c.company, c.owner])
    assert_link_opens(client, "fund.request_filed", c.street)

    with django_capture_on_commit_callbacks(execute=True):
        services.fund_request_approve(actor=c.street, request=req)
    assert_told("fund.request_approved", to=[c.company, c.committee], not_to=[*others, c.owner])
    assert_link_opens(client, "fund.request_approved", c.company)

    with django_capture_on_commit_callbacks(execute=True):
        services.fund_advance_pay(actor=c.street, request=req)
    assert_told("fund.advance_paid", to=[c.company], not_to=others)
    assert_link_opens(client, "fund.advance_paid", c.company)

    with django_capture_on_commit_callbacks(execute=True):
        services.fund_repair_accept(
            actor=c.company, request=req, final_cost=Decimal("9000.00"), invoice_number="1"
        )
    assert_told("fund.repair_accepted", to=[c.street], not_to=[*others, c.owner])
    assert_link_opens(client, "fund.repair_accepted", c.street)

    with django_capture_on_commit_callbacks(execute=True):
        services.fund_publicise(actor=c.company, request=req)
    assert_told("fund.publicised", to=[c.owner], not_to=others)
    assert_link_opens(client, "fund.publicised", c.owner)

    with django_capture_on_commit_callbacks(execute=True):
        objection = services.fund_objection_file(actor=c.owner, request=req, text="请说明")
    assert_told("fund.objection_filed", to=[c.street, c.committee], not_to=others)
    assert_link_opens(client, "fund.objection_filed", c.street)

    with django_capture_on_commit_callbacks(execute=True):
        services.fund_objection_answer(actor=c.street, objection=objection, answer="见明细")
    assert_told("fund.objection_answered", to=[c.owner], not_to=[*others, c.company])
    assert_link_opens(client, "fund.objection_answered", c.owner)

    req.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.fund_disburse(
            actor=c.street, request=req, now=req.publicity_ends + timedelta(minutes=1)
        )
    assert_told("fund.disbursed", to=[c.company, c.owner, c.committee], not_to=others)
    assert_link_opens(client, "fund.disbursed", c.owner)


def test_rejection_tells_the_applicant(client, c, django_capture_on_commit_callbacks):
    req = submit(c)
    with django_capture_on_commit_callbacks(execute=True):
        services.fund_request_reject(actor=c.street, request=req, note="不属紧急情形")
    assert_told("fund.request_rejected", to=[c.company], not_to=[c.other_company, c.owner])
    assert_link_opens(client, "fund.request_rejected", c.company)


def test_reminder_escalation_and_deemed_approval(
    client, c, settings, django_capture_on_commit_callbacks
):
    """A day before the deadline the reviewers are reminded; after it the bureau is alerted;
    where silence is approval, the applicant and the reviewers are told it is approved."""
    req = submit(c, now=aware(2025, 11, 3))  # deadline Thursday 6 Nov
    with django_capture_on_commit_callbacks(execute=True):
        check_review_deadlines(today=date(2025, 11, 5))
    assert_told("fund.review_due", to=[c.street], not_to=[c.other_street, c.company])
    assert_link_opens(client, "fund.review_due", c.street)
    with django_capture_on_commit_callbacks(execute=True):
        check_review_deadlines(today=date(2025, 11, 7))
    assert_told("fund.review_overdue", to=[c.bureau], not_to=[c.street, c.other_street])
    assert_link_opens(client, "fund.review_overdue", c.bureau)

    settings.GONGZHI = {**settings.GONGZHI, "FUND_DEEMED_APPROVAL": True}
    second = submit(c, now=aware(2025, 11, 3), title="2号楼屋面渗漏")
    assert second.pk != req.pk
    with django_capture_on_commit_callbacks(execute=True):
        check_review_deadlines(today=date(2025, 11, 10))
    assert_told("fund.deemed_approved", to=[c.company, c.street], not_to=[c.other_street])
    assert_link_opens(client, "fund.deemed_approved", c.company)


def test_refill_notice_to_the_unit_owners(client, c, django_capture_on_commit_callbacks):
    account = FundAccount.objects.get(unit=c.owner_unit)
    FundAccount.objects.filter(pk=account.pk).update(refill_due=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_refill_notices([account.pk]) == 1
    assert_told("fund.refill_due", to=[c.owner], not_to=[c.other_owner, c.company])
    assert_link_opens(client, "fund.refill_due", c.owner)
    assert FundAccount.objects.get(pk=account.pk).refill_notified_at <= timezone.now()
