"""A disbursement that fails half-way leaves every ledger as it was (DOMAIN.md §2: the final
debit of every unit's share and the settlement are one transaction). The failure is injected
at three points — after the ledger entries are inserted, after the balances are written, and
when the settlement is recorded — on PostgreSQL with real commits (transactional test); then
the retry debits exactly the final cost, once."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Injected(RuntimeError):
    pass


def ready_request(c):
    from property.fund import services
    from property.fund.models import Scope

    req = services.fund_request_submit(
        actor=c.company,
        estate=c.estate,
        title="电梯曳引机更换",
        description="电梯困人，曳引机损坏。",
        category="elevator",
        scope=Scope.ESTATE,
        estimated_cost=Decimal("5000.00"),
        contractor="芜湖迅达电梯工程有限公司",
    )
    services.fund_request_approve(actor=c.street, request=req)
    services.fund_advance_pay(actor=c.street, request=req)
    services.fund_repair_accept(
        actor=c.company, request=req, final_cost=Decimal("4321.09"), invoice_number="34001234"
    )
    return services.fund_publicise(
        actor=c.company, request=req, now=timezone.now() - timedelta(days=5)
    )


def snapshot(estate):
    from portal.audit.models import AuditEvent
    from property.fund.models import Disbursement, FundAccount, LedgerEntry

    return {
        "balances": dict(FundAccount.objects.filter(estate=estate).values_list("pk", "balance")),
        "entries": LedgerEntry.objects.filter(estate=estate).count(),
        "disbursements": Disbursement.objects.count(),
        "disbursed_events": AuditEvent.objects.filter(action="fund.disbursed").count(),
    }


@pytest.mark.parametrize(
    "point",
    [
        "property.fund.services._save_balances",  # entries inserted, balances not yet written
        "property.fund.models.Disbursement.objects.create",  # debits posted, no settlement yet
        "property.fund.services.log_event",  # everything written but the audit event
    ],
)
def test_failure_mid_disbursement_leaves_every_ledger_unchanged(world, point):
    from property.fund import services
    from property.fund.models import FundRequest, LedgerEntry, Status
    from tests.property.fund.factories import cast

    c = cast(world)
    req = ready_request(c)
    before = snapshot(c.estate)

    with mock.patch(point, side_effect=Injected("injected failure")), pytest.raises(Injected):
        services.fund_disburse(actor=c.street, request=FundRequest.objects.get(pk=req.pk))

    assert snapshot(c.estate) == before
    req.refresh_from_db()
    assert req.status == Status.PUBLICISED and req.disbursed_at is None

    # The retry goes through and debits the final cost exactly once.
    services.fund_disburse(actor=c.street, request=FundRequest.objects.get(pk=req.pk))
    debits = LedgerEntry.objects.filter(request=req).values_list("amount", flat=True)
    assert -sum(debits, Decimal("0.00")) == Decimal("4321.09")
    after = snapshot(c.estate)
    assert after["entries"] == before["entries"] + len(debits)
    assert sum(after["balances"].values()) == sum(before["balances"].values()) - Decimal("4321.09")
