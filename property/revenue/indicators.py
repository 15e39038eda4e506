"""The shared revenue's indicators (DOMAIN.md §2a) of the places of a scope
(``portal.core.indicators``): income, transfers into the fund and balance, and the estates late
with their monthly entries, read as subqueries of the scope's own query."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from portal.core.indicators import Extras, Indicator, Scope

from .selectors import annotated_figures
from .selectors import estate_annotations as _annotations

GROUP = ("revenue", _("Shared revenue of common parts"))

INDICATORS: list[Indicator] = [
    Indicator("revenue_income", _("Shared revenue income (yuan)"), "money", group="revenue"),
    Indicator(
        "revenue_transfer",
        _("Shared revenue transferred into the fund (yuan)"),
        "money",
        group="revenue",
    ),
    Indicator("revenue_balance", _("Shared revenue balance (yuan)"), "money", group="revenue"),
    Indicator("revenue_late", _("Estates late with their shared revenue entries"), group="revenue"),
]


def estate_annotations() -> dict:
    """Subqueries over ``Estate`` the scope's query carries for the shared revenue
    (``selectors.estate_annotations``), read back by ``revenue_figures``."""
    return _annotations()


def revenue_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """Shared revenue (DOMAIN.md §2a): income, transfers into the fund and balance (exact sums
    in fen of the ledgers' entries), and the estates late with their monthly entries (the
    revenue app's rule), read as subqueries of the scope's own query: no query of its own."""
    out: dict[str, dict] = {}
    for pk, group in scope.group_of.items():
        figures = annotated_figures(scope.annotated.get(pk, {}))
        t = out.setdefault(
            group,
            {
                "revenue_income": Decimal("0.00"),
                "revenue_transfer": Decimal("0.00"),
                "revenue_balance": Decimal("0.00"),
                "revenue_late": 0,
            },
        )
        for key, value in figures.items():
            t[key] += value
    return out
