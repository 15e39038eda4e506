"""The registry's indicators: estates, units, exclusive-part area and owner parties, verified or
not, of the places of a scope (``portal.core.indicators``), and the open data's estate rows.

The unit-level figures (``UNIT_FIGURES``) grow with the units: the dashboards keep them per
estate (``EstateFigures``) and a scope reads them from there while fresh, from the records
otherwise (``live_unit_figures``).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from portal.core.indicators import (
    ESTATE_DEPTH,
    STEP,
    Extras,
    Indicator,
    Scope,
    centi_sum,
    from_centi,
    grouped_by_estate,
    rolled_unit_figures,
)
from portal.organisations.models import Jurisdiction

from .models import Estate, OwnerParty, Ownership, Unit

GROUP = ("registry", _("Estates, units and owners"))

INDICATORS: list[Indicator] = [
    Indicator("estates", _("Estates")),
    Indicator("managed_estates", _("Estates with a property company")),
    Indicator("units", _("Units")),
    Indicator("area", _("Exclusive-part area (m²)"), "area"),
    Indicator("parties", _("Owner parties")),
    Indicator("verified_parties", _("Parties with a verified owner")),
    Indicator(
        "verified_share",
        _("Owners verified (%)"),
        "percent",
        ratio=("verified_parties", "parties"),
    ),
]

# The registry's figures that grow with the units, per estate (materialised or live).
UNIT_FIGURES = ("units", "area_centi", "parties", "verified_parties")


def live_unit_figures(estate_ids) -> dict[int, dict]:
    """``UNIT_FIGURES`` of the estates ``estate_ids`` (ids or a subquery), computed from the
    units, ownerships and verified members: 3 grouped queries. Estates with no unit and no
    party have no entry.

    Parties are those holding a unit now (an ownership without end); a party is verified when a
    member person is linked to a portal account (the claim was verified).
    """
    out: dict[int, dict] = {}

    def put(rows, *keys):
        for estate_id, *values in rows:
            target = out.setdefault(estate_id, {})
            for key, value in zip(keys, values, strict=True):
                target[key] = value or 0

    put(
        grouped_by_estate(
            Unit.objects.all(), estate_ids, units=Count("id"), area_centi=centi_sum("area")
        ),
        "units",
        "area_centi",
    )
    put(
        grouped_by_estate(
            Ownership.objects.filter(end__isnull=True),
            estate_ids,
            "party__estate_id",
            parties=Count("party_id", distinct=True),
        ),
        "parties",
    )
    put(
        grouped_by_estate(
            OwnerParty.objects.filter(members__user__isnull=False, ownerships__end__isnull=True),
            estate_ids,
            verified_parties=Count("id", distinct=True),
        ),
        "verified_parties",
    )
    return out


def estate_ids_under(prefix: str):
    """A subquery of the ids of the estates under the path ``prefix``."""
    return Estate.objects.filter(jurisdiction__path__startswith=prefix).values("pk")


def registry_figures(scope: Scope, extras: Extras | None = None) -> dict[str, dict]:
    """Estates (from the scope), units, area and owner parties, verified or not: from the
    scope's unit-level figures (``Scope.unit_figures``), no query when they are all fresh."""
    out: dict[str, dict] = {}
    for _pk, path, company_id in scope.estates:
        target = out.setdefault(path[: scope.length], {"estates": 0, "managed_estates": 0})
        target["estates"] += 1
        target["managed_estates"] += company_id is not None
    rolled = rolled_unit_figures(scope, ("units", "area_centi", "parties", "verified_parties"))
    for group, values in rolled.items():
        out.setdefault(group, {}).update(values)
    for values in out.values():
        if "area_centi" in values:
            values["area"] = from_centi(values.pop("area_centi"))
    return out


def public_estate_rows() -> list[dict]:
    """Every estate with its place, company, units and area: 3 queries, no personal data."""
    names = dict(Jurisdiction.objects.filter(depth__lt=ESTATE_DEPTH).values_list("path", "name"))
    units = {
        row["estate_id"]: row
        for row in Unit.objects.order_by()
        .values("estate_id")
        .annotate(units=Count("id"), area=centi_sum("area"))
    }
    rows = []
    for e in Estate.objects.select_related("jurisdiction", "company").order_by("code"):
        path = e.jurisdiction.path
        u = units.get(e.pk, {})
        rows.append(
            {
                "code": e.code,
                "name": e.name,
                "district": names.get(path[: 2 * STEP]),
                "street": names.get(path[: 3 * STEP]),
                "community": names.get(path[: 4 * STEP]),
                "company": e.company.name if e.company else None,
                "company_credit_code": e.company.credit_code if e.company else None,
                "units": u.get("units", 0),
                "area": from_centi(u.get("area")),
            }
        )
    return rows
