"""Named operations on complaints and owners' ratings (DOMAIN.md section 3, issue 19 part 2).

* ``complaint_tickets_import`` — tickets from a file or the API, all or nothing;
* ``complaint_ticket_assign`` — the street office gives an unmatched ticket its estate;
* ``complaint_rules_run`` — the bureau's rules over a quarter's tickets propose records, which
  go through ``credit_record_add`` (notice, objection window, notification);
* ``owner_rating_submit`` — a verified owner rates the company once per quarter.

Like ``services.py``, each checks state and data, not the user's right (views do).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import log_event
from portal.audit.models import AuditEvent
from portal.core.errors import DomainError
from portal.core.words import quarter_label
from portal.organisations.models import Jurisdiction
from property.registry.models import Estate, OwnerParty

from . import complaints as rules_module
from .complaint_import import TicketPlan, plan_tickets
from .models import (
    ComplaintBatch,
    ComplaintProposal,
    ComplaintRule,
    ComplaintTicket,
    ComplaintTrigger,
    OwnerRating,
)
from .services import credit_record_add


class ComplaintError(DomainError):
    """A refused complaint or rating step."""


class ComplaintImportError(ComplaintError):
    """The file has row errors: nothing was imported. ``plan`` holds them."""

    default_code = "row_errors"

    def __init__(self, plan: TicketPlan):
        super().__init__(
            gettext_lazy("Nothing was imported: %(n)s errors."), params={"n": len(plan.errors)}
        )
        self.plan = plan


@transaction.atomic
def complaint_tickets_import(
    *,
    actor,
    node: Jurisdiction,
    headers: list[str],
    rows,
    source: str = "file",
    filename: str = "",
) -> tuple[ComplaintBatch, TicketPlan]:
    """Import tickets at ``node`` (the importer's place): every row valid, or nothing written.

    Preconditions: the actor is housing bureau staff governing ``node``. Tickets whose number
    is already stored (or repeated in the file) are skipped and listed in the batch; tickets
    matching no estate wait at the street named in the row (else at ``node``) for assignment.
    Raises ``ComplaintImportError`` (with the plan's row errors) when any row is wrong.
    """
    plan = plan_tickets(headers, rows, node=node)
    if not plan.ok:
        raise ComplaintImportError(plan)
    batch = ComplaintBatch.objects.create(
        source=source,
        filename=filename[:200],
        created=len(plan.rows),
        duplicates=plan.duplicates,
        unmatched=plan.unmatched,
        node=node,
        imported_by=actor,
    )
    try:
        with transaction.atomic():
            ComplaintTicket.objects.bulk_create(
                [
                    ComplaintTicket(
                        number=r.number,
                        received_at=r.received_at,
                        estate=r.estate,
                        company=r.company,
                        company_name=r.company_name,
                        address=r.address,
                        node=r.node,
                        category=r.category,
                        text=r.text,
                        closed_at=r.closed_at,
                        result=r.result,
                        satisfaction=r.satisfaction,
                        batch=batch,
                    )
                    for r in plan.rows
                ],
                batch_size=500,
            )
    except IntegrityError:
        raise ComplaintError(
            _("Another import stored some of these tickets meanwhile: import the file again."),
            code="race",
        ) from None
    log_event(
        actor=actor,
        action="credit.complaints_imported",
        obj=batch,
        details={
            "source": source,
            "created": batch.created,
            "duplicates": len(plan.duplicates),
            "unmatched": batch.unmatched,
        },
    )
    return batch, plan


@transaction.atomic
def complaint_ticket_assign(*, actor, ticket: ComplaintTicket, estate: Estate) -> ComplaintTicket:
    """Give an unmatched ticket its estate (and so its company); the address is then dropped.

    Preconditions: the actor governs the ticket's place and the estate (street office or
    bureau). Refuses a ticket already matched and an estate without a company."""
    ticket = ComplaintTicket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.estate_id is not None:
        raise ComplaintError(_("This ticket already has its estate."), code="bad_state")
    if estate.company_id is None:
        raise ComplaintError(
            _("This estate has no property company."), code="no_company", field="estate"
        )
    ticket.estate, ticket.company, ticket.node = estate, estate.company, estate.jurisdiction
    ticket.address = ""
    ticket.assigned_by = actor
    ticket.save(update_fields=["estate", "company", "node", "address", "assigned_by"])
    log_event(
        actor=actor,
        action="credit.complaint_assigned",
        obj=ticket,
        details={"ticket": ticket.number, "estate": estate.code},
    )
    return ticket


def _ticket(t: ComplaintTicket) -> rules_module.Ticket:
    return rules_module.Ticket(
        number=t.number,
        company=str(t.company_id),
        estate=str(t.estate_id),
        category=t.category,
        received=t.received_at,
        closed=t.closed_at,
        result=t.result,
        satisfaction=t.satisfaction,
    )


def _rule(r: ComplaintRule) -> rules_module.Rule:
    return rules_module.Rule(
        key=str(r.pk),
        trigger=r.trigger,
        item=r.item.code,
        categories=r.category_set(),
        deadline_days=r.deadline_days,
        count=r.count,
        min_satisfied=r.min_satisfied,
    )


CONDITION_TEXT = {
    "not_handled_in_time": gettext_lazy("tickets not handled in time"),
    "substantiated_of_one_category": gettext_lazy("substantiated tickets of one category"),
    "tickets": gettext_lazy("tickets in the quarter"),
    "handled_in_time": gettext_lazy("handled in time"),
    "satisfied_share": gettext_lazy("satisfied share of answering callers"),
}


def _summary(rule: ComplaintRule, p: rules_module.Proposal) -> str:
    """The record's "what happened", stored in the site's language (LANGUAGE_CODE) whoever
    runs the rules: the worker and the demo have no language of their own."""
    with translation.override(settings.LANGUAGE_CODE):
        return _summary_text(rule, p)


def _summary_text(rule: ComplaintRule, p: rules_module.Proposal) -> str:
    lines = [
        _("Proposed by the complaint rule “%(rule)s” for %(period)s.")
        % {"rule": rule.name, "period": quarter_label(p.year, p.quarter)}
    ]
    if p.category:
        lines.append(_("Category: %(category)s.") % {"category": p.category})
    for c in p.conditions:
        lines.append(
            _("%(what)s: %(found)s (needed %(needed)s)")
            % {"what": CONDITION_TEXT.get(c.what, c.what), "found": c.found, "needed": c.needed}
        )
    lines.append(_("Tickets: %(numbers)s") % {"numbers": ", ".join(p.tickets)})
    return "\n".join(lines)[:2000]


@transaction.atomic
def complaint_rules_run(
    *, actor, year: int, quarter: int, node: Jurisdiction | None = None, now: datetime | None = None
) -> list[ComplaintProposal]:
    """Run the active rules over the quarter's tickets (of estates under ``node``; all when
    None) and propose each record not proposed before (one per rule, estate, category and
    quarter). Good-quarter rules wait until the quarter has ended. Each proposal is an ordinary
    record added with ``credit_record_add``: notice to the company, objection window; it counts
    only once in effect. Returns the new proposals.

    Preconditions: the actor is bureau staff governing ``node`` (None: the worker); the quarter
    has begun."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    try:
        first, last = rules_module.quarter_bounds(year, quarter)
    except rules_module.ComplaintRuleError:
        raise ComplaintError(_("A quarter is 1 to 4."), code="bad_quarter") from None
    if first > today:
        raise ComplaintError(_("This quarter has not begun."), code="not_begun")
    rules = list(
        ComplaintRule.objects.filter(active=True, item__active=True).select_related("item")
    )
    if last >= today:
        rules = [r for r in rules if r.trigger != ComplaintTrigger.CLEAN_QUARTER]
    tickets = ComplaintTicket.objects.filter(
        estate__isnull=False,
        company__isnull=False,
        received_at__date__gte=first,
        received_at__date__lte=last,
    )
    if node is not None:
        tickets = tickets.filter(estate__jurisdiction__path__startswith=node.path)
    proposals = rules_module.evaluate(
        [_ticket(t) for t in tickets],
        [_rule(r) for r in rules],
        year=year,
        quarter=quarter,
        as_of=now,
    )
    by_pk = {str(r.pk): r for r in rules}
    estates = Estate.objects.in_bulk({int(p.estate) for p in proposals})
    done = set(
        ComplaintProposal.objects.filter(year=year, quarter=quarter).values_list(
            "rule_id", "estate_id", "category"
        )
    )
    created = []
    for p in proposals:
        rule, estate = by_pk[p.rule], estates[int(p.estate)]
        if (rule.pk, estate.pk, p.category) in done or estate.company_id != int(p.company):
            continue
        record = credit_record_add(
            actor=actor,
            company=estate.company,
            estate=estate,
            item=rule.item,
            occurred_on=min(last, today),
            summary=_summary(rule, p),
            today=today,
        )
        created.append(
            ComplaintProposal.objects.create(
                rule=rule,
                record=record,
                estate=estate,
                year=year,
                quarter=quarter,
                category=p.category,
                tickets=list(p.tickets),
                conditions=[c.__dict__ for c in p.conditions],
            )
        )
    log_event(
        actor=actor,
        action="credit.complaint_rules_run",
        obj=node,
        details={
            "year": year,
            "quarter": quarter,
            "node": node.code if node else None,
            "proposed": len(created),
            "auto": actor is None,
        },
    )
    return created


def previous_quarter(today: date) -> tuple[int, int]:
    year, quarter = rules_module.quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def complaint_rules_quarterly(*, today: date | None = None) -> int | None:
    """Worker: once the quarter has ended, run the rules over it for the whole city, once (the
    audit log remembers; a worker down on the first day catches up the next). Returns the
    number of proposals, or None when the quarter was already run."""

    today = today or timezone.localdate()
    year, quarter = previous_quarter(today)
    if AuditEvent.objects.filter(
        action="credit.complaint_rules_run",
        details__year=year,
        details__quarter=quarter,
        details__auto=True,
    ).exists():
        return None
    return len(complaint_rules_run(actor=None, year=year, quarter=quarter))


@transaction.atomic
def owner_rating_submit(
    *, actor, party: OwnerParty, stars: int, reason: str, today: date | None = None
) -> OwnerRating:
    """A verified owner rates their estate's company for the current quarter: 1 to 5 stars and
    a short reason; once per owner party and quarter (co-owners rate once).

    Preconditions: the actor is a member of ``party`` (a verified owner)."""
    today = today or timezone.localdate()
    year, quarter = rules_module.quarter_of(today)
    party = (
        OwnerParty.objects.select_for_update(of=("self",))
        .select_related("estate__company")
        .get(pk=party.pk)
    )
    estate = party.estate
    if estate.company_id is None:
        raise ComplaintError(_("This estate has no property company to rate."), code="no_company")
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ComplaintError(_("Give 1 to 5 stars."), code="stars", field="stars")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ComplaintError(
            _("Give a short reason (at most 200 characters)."), code="reason", field="reason"
        )
    if OwnerRating.objects.filter(party=party, year=year, quarter=quarter).exists():
        raise ComplaintError(
            _("Your household has already rated the company this quarter."), code="twice"
        )
    rating = OwnerRating.objects.create(
        company_id=estate.company_id,
        estate=estate,
        party=party,
        year=year,
        quarter=quarter,
        stars=stars,
        reason=reason,
        rated_by=actor,
    )
    log_event(
        actor=actor,
        action="credit.owner_rated",
        obj=rating,
        details={"year": year, "quarter": quarter, "company": estate.company.credit_code},
    )
    return rating
