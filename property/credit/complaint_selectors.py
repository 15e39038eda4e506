"""Read side of complaints and owners' ratings: queues, figures per quarter, per 1,000 units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.organisations.models import Organisation
from property.registry.models import Estate, Unit

from . import complaints as rules_module
from .models import ComplaintBatch, ComplaintRule, ComplaintTicket, OwnerRating


def unmatched_tickets(q: Q):
    """Tickets still without estate whose place ``q`` selects (e.g.
    ``scope_q(user, "node__path")``), oldest first."""
    return (
        ComplaintTicket.objects.filter(estate__isnull=True)
        .filter(q)
        .select_related("node")
        .order_by("received_at", "pk")
    )


def recent_batches(q: Q, limit: int = 20):
    return ComplaintBatch.objects.filter(q).select_related("node")[:limit]


def default_deadline() -> int:
    """The handling deadline used for "in time" figures: the shortest deadline of the rules in
    use (15 days without any)."""
    days = [r.deadline_days for r in ComplaintRule.objects.filter(active=True)]
    return min(days) if days else 15


def _pure(tickets) -> list[rules_module.Ticket]:
    return [
        rules_module.Ticket(
            number=t.number,
            company=str(t.company_id or ""),
            estate=str(t.estate_id or ""),
            category=t.category,
            received=t.received_at,
            closed=t.closed_at,
            result=t.result,
            satisfaction=t.satisfaction,
        )
        for t in tickets
    ]


def company_quarters(company: Organisation, quarters: int = 4):
    """The company's complaint figures for its last ``quarters`` quarters with tickets."""
    tickets = ComplaintTicket.objects.filter(company=company).only(
        "number", "company_id", "estate_id", "category", "received_at", "closed_at", "result",
        "satisfaction",
    )  # fmt: skip
    return rules_module.quarter_figures(_pure(tickets), deadline_days=default_deadline())[:quarters]


@dataclass
class Density:
    name: str
    code: str
    tickets: int
    units: int
    per_thousand: Decimal | None


def per_thousand_units(path: str, *, year: int, quarter: int) -> tuple[list, list]:
    """Complaints per 1,000 units in the quarter, (by company, by estate), for the estates
    under ``path`` (``""`` the whole city); highest first. One query."""
    units = (
        Unit.objects.filter(estate_id=OuterRef("pk"))
        .order_by()
        .values("estate_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    estates = (
        Estate.objects.filter(jurisdiction__path__startswith=path)
        .annotate(_units=Coalesce(Subquery(units, output_field=IntegerField()), 0))
        .annotate(**estate_annotations(year=year, quarter=quarter))
        .order_by()
        .values_list(*DENSITY_FIELDS, "_units")
    )
    return densities(estates)


# The estate's fields ``densities`` reads, then its tickets (``estate_annotations``) and units.
DENSITY_FIELDS = ("name", "code", "company_id", "company__name", "company__credit_code", "_cmp_n")


def estate_annotations(*, year: int | None = None, quarter: int | None = None) -> dict:
    """A subquery over ``Estate`` (``OuterRef("pk")``): the estate's complaint tickets received
    in the quarter (this one by default), ``_cmp_n``, so a page can read them with its own
    estate query (the dashboards' scope)."""
    if year is None or quarter is None:
        year, quarter = current_quarter()
    first, last = rules_module.quarter_bounds(year, quarter)
    tickets = (
        ComplaintTicket.objects.filter(
            estate_id=OuterRef("pk"),
            received_at__date__gte=first,
            received_at__date__lte=last,
        )
        .order_by()
        .values("estate_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return {"_cmp_n": Coalesce(Subquery(tickets, output_field=IntegerField()), 0)}


def densities(rows) -> tuple[list, list]:
    """(by company, by estate) complaints per 1,000 units, highest first, from rows of
    ``DENSITY_FIELDS`` followed by the estate's units."""
    by_estate, by_company = [], {}
    for name, code, company_id, company_name, company_code, n, u in rows:
        n, u = n or 0, u or 0
        by_estate.append(Density(name, code, n, u, rules_module.per_thousand_units(n, u)))
        if company_id:
            c = by_company.setdefault(
                company_id, Density(company_name, company_code or "", 0, 0, None)
            )
            c.tickets += n
            c.units += u
    for c in by_company.values():
        c.per_thousand = rules_module.per_thousand_units(c.tickets, c.units)

    def key(d):
        return (-(d.per_thousand or 0), d.name)

    return sorted(by_company.values(), key=key), sorted(by_estate, key=key)


def current_quarter(today: date | None = None) -> tuple[int, int]:
    return rules_module.quarter_of(today or timezone.localdate())


def ratings_done(parties, year: int, quarter: int) -> dict[int, OwnerRating]:
    """The ratings the parties gave in the quarter, by party id."""
    return {
        r.party_id: r
        for r in OwnerRating.objects.filter(party__in=parties, year=year, quarter=quarter)
    }


def with_rated(parties, today: date | None = None):
    """``parties`` (a queryset of owner parties) annotated ``rated_this_quarter``: whether the
    party rated its company in the current quarter, read in the parties' own query."""
    year, quarter = current_quarter(today)
    return parties.annotate(
        rated_this_quarter=Exists(
            OwnerRating.objects.filter(party=OuterRef("pk"), year=year, quarter=quarter)
        )
    )


def parties_to_rate(parties, today: date | None = None) -> list:
    """The parties (of estates with a company) that have not rated this quarter yet. Parties
    read through ``with_rated`` (with the same ``today``) cost no query."""
    year, quarter = current_quarter(today)
    parties = [p for p in parties if p.estate.company_id]
    if all(hasattr(p, "rated_this_quarter") for p in parties):
        return [p for p in parties if not p.rated_this_quarter]
    done = ratings_done(parties, year, quarter)
    return [p for p in parties if p.pk not in done]
