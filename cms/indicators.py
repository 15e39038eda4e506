"""The CMS's indicator: notices published (live, public, unexpired) targeted at the places of a
scope (``portal.core.indicators``)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from portal.core.indicators import STEP, Extras, Indicator, Scope

from .selectors import visible_notices

GROUP = ("notices", _("Notices"))

INDICATORS: list[Indicator] = [
    Indicator("notices", _("Notices published"), group="notices"),
]


def notice_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """Published, unexpired notices targeted at a place in the subtree (those addressed to an
    ancestor are not counted here; those to the whole city count on the city's dashboard).
    A few queries (``visible_notices``)."""
    where = Q(jurisdiction__path__startswith=scope.prefix)
    if len(scope.prefix) == STEP:
        # The city's own dashboard also counts notices to the whole city (no target): they
        # come in the same grouped query, as the group without a path.
        where |= Q(jurisdiction__isnull=True)
    rows = (
        visible_notices()
        .filter(where)
        .annotate(_g=Substr("jurisdiction__path", 1, scope.length))
        .order_by()
        .values("_g")
        .annotate(notices=Count("id"))
    )
    out: dict[str, dict] = {}
    for row in rows:
        key = scope.prefix if row["_g"] is None else row["_g"]
        out.setdefault(key, {"notices": 0})["notices"] += row["notices"]
    return out
