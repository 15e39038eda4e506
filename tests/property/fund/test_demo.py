"""The fund's demo data (``property/fund/demo.py``): written through the services, its figures
kept, and every request's story told in the order of the workflow.

Issue 15: the demo's disbursed emergency request showed an advance dated weeks after its
settlement (the advance, the acceptance and the decision of a rejection were dated the day the
demo was loaded, the rest on the story's dates)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from portal.audit.models import AuditEvent
from property.fund.management.commands.fund_reconcile import reconcile
from property.fund.models import (
    DisbursementKind,
    EntryKind,
    FundAccount,
    FundRequest,
    LedgerEntry,
    Status,
)
from property.fund.selectors import estate_fund_summary
from property.registry.models import Estate
from tests.shared_data import migration_data_back, settle_constraint_checks

# What the demo's ledgers held before the demo went through the services (loaded on
# 2026-11-29 with the ledger writer it had then): the figures do not change.
ESTATE_BALANCES = {
    "binjiang": Decimal("6644002.14"),
    "fanluoshan-xq": Decimal("2719119.86"),
    "guandou-xc": Decimal("8707351.49"),
    "jiuzi": Decimal("1290642.11"),
    "lugang-jy": Decimal("4043769.84"),
    "wanli-hy": Decimal("4980456.90"),
    "zheshan-xc": Decimal("1896921.37"),
    "zhongnan-ya": Decimal("12860675.07"),
}
LEDGERS, ENTRIES = 3980, 34282


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The layers the fund's demo stands on (jurisdictions, organisations, registry) and the
    fund's own, loaded once for this module in a transaction rolled back at the end."""
    from portal.core import demo as core_demo
    from property.fund import demo as fund_demo
    from property.registry import demo as registry_demo

    with django_db_blocker.unblock(), transaction.atomic():
        migration_data_back()
        for module in (core_demo, registry_demo, fund_demo):
            module.load()
        settle_constraint_checks()
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def steps_of(req: FundRequest) -> list[tuple[str, object]]:
    """The request's dated steps in the order of the workflow (those it has reached)."""
    paid = {d.kind: d.paid_at for d in req.disbursements.all()}
    steps = [
        ("filed", req.submitted_at),
        ("decided", req.decided_at),
        ("advance paid", paid.get(DisbursementKind.ADVANCE)),
        ("accepted", req.accepted_at),
        ("publicity starts", req.publicity_starts),
        ("publicity ends", req.publicity_ends),
        ("disbursed", req.disbursed_at),
        ("settlement paid", paid.get(DisbursementKind.SETTLEMENT)),
    ]
    return [(name, when) for name, when in steps if when is not None]


def test_every_request_s_dates_run_in_workflow_order(demo):
    """Filing, decision, advance, acceptance, publicity, disbursement and settlement follow
    each other in that order; nothing that has happened is dated in the future (the publicity
    of a project still in publicity ends in the future, as it should); the decision falls
    within the review deadline; the debits are booked when the project is disbursed."""
    now = timezone.now()
    requests = list(FundRequest.objects.prefetch_related("disbursements"))
    assert {r.status for r in requests} >= {
        Status.SUBMITTED,
        Status.APPROVED,
        Status.REJECTED,
        Status.ADVANCE_PAID,
        Status.ACCEPTED,
        Status.PUBLICISED,
        Status.DISBURSED,
    }
    wrong = []
    for req in requests:
        steps = steps_of(req)
        for (a, when_a), (b, when_b) in zip(steps, steps[1:], strict=False):
            if when_a > when_b:
                wrong.append(f"{req.title}: {b} {when_b:%Y-%m-%d} before {a} {when_a:%Y-%m-%d}")
        for name, when in steps:
            if name != "publicity ends" and when > now:
                wrong.append(f"{req.title}: {name} {when:%Y-%m-%d} is in the future")
        if req.decided_at and req.review_deadline:
            if timezone.localdate(req.decided_at) > req.review_deadline:
                wrong.append(f"{req.title}: decided after the review deadline")
        for entry in LedgerEntry.objects.filter(request=req, kind=EntryKind.DEBIT):
            if entry.booked_at != req.disbursed_at:
                wrong.append(f"{req.title}: debit booked {entry.booked_at:%Y-%m-%d}")
    assert wrong == []
    jiuzi = FundRequest.objects.get(estate__code="jiuzi")
    advance, settlement = (
        jiuzi.disbursements.get(kind=k).paid_at
        for k in (DisbursementKind.ADVANCE, DisbursementKind.SETTLEMENT)
    )
    assert settlement - advance >= timedelta(days=20)  # weeks apart, in the right order


def test_demo_keeps_its_figures_and_reconciles(demo):
    """The same ledgers, entries and estate totals as the demo's former ledger writer, and
    reconcile (ledger sums and the cash paid out) finds nothing wrong."""
    assert FundAccount.objects.count() == LEDGERS
    assert LedgerEntry.objects.count() == ENTRIES
    for code, balance in ESTATE_BALANCES.items():
        assert estate_fund_summary(Estate.objects.get(code=code))["balance"] == balance, code
    figures, problems = reconcile()
    assert problems == [] and figures["projects"] == 2 and figures["payments"] == 7


def test_demo_books_through_the_services(demo):
    """Every ledger was opened and every interest booked by the fund's services, as the
    district housing bureau (their audit events), not by a writer of the demo's own."""
    opened = AuditEvent.objects.filter(action="fund.accounts_opened")
    assert sum(e.details["ledgers"] for e in opened) == LEDGERS
    assert {e.actor.email.split(".")[0] for e in opened} == {"jinghu", "yijiang", "jiujiang"}
    interest = AuditEvent.objects.filter(action="fund.interest_allocated").count()
    assert (
        interest
        == LedgerEntry.objects.filter(kind=EntryKind.INTEREST)
        .values("estate", "booked_at")
        .distinct()
        .count()
    )
    assert not AuditEvent.objects.filter(action="fund.demo_ledgers").exists()


def test_the_demo_tells_each_step_at_its_date_and_leaves_only_what_is_pending_unread(demo):
    """Issue 16: the demo's notices were all dated the day it was loaded and unread, so an
    officer's bell showed a review "due" weeks ago for a request long since repaired. Each
    notice is dated at its step; after the demo's finish what is older than a week is read,
    and every unread review request is still within its deadline."""
    from portal.notifications import demo as notifications_demo
    from portal.notifications.models import Notification

    today = timezone.localdate()
    for req in FundRequest.objects.filter(kind="emergency"):
        filed = Notification.objects.filter(kind="fund.request_filed", params__title=req.title)
        assert filed.exists() and {n.created_at for n in filed} == {req.submitted_at}
        if req.accepted_at:
            told = Notification.objects.filter(kind="fund.repair_accepted", params__title=req.title)
            assert {n.created_at for n in told} == {req.accepted_at}
        if req.publicity_starts:
            told = Notification.objects.filter(kind="fund.publicised", params__title=req.title)
            assert {n.created_at for n in told} == {req.publicity_starts}
    notifications_demo.finish()
    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.exists()
    assert not unread.filter(created_at__lt=timezone.now() - timedelta(days=7)).exists()
    for n in unread.filter(kind="fund.request_filed"):
        assert n.params["deadline"] >= today.isoformat(), n.params
    assert Notification.objects.filter(read_at__isnull=False, kind="fund.request_filed").exists()
