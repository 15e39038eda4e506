"""Credit's indicators: the property companies of the places of a scope
(``portal.core.indicators``) by their latest rating, and the complaints per 1,000 units this
quarter of the scope's estates (read from the scope's own query)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.core.indicators import TOTAL, Extras, Indicator, Scope

from . import complaint_selectors
from .selectors import company_places, place_ratings

GROUP = ("credit", _("Property companies"))

INDICATORS: list[Indicator] = [
    Indicator("companies", _("Property companies"), group="credit"),
    Indicator("companies_blacklisted", _("Companies on the blacklist"), group="credit"),
]

GRADES = ["AAA", "AA", "A", "B", "C"]


def estate_annotations() -> dict:
    """Subqueries over ``Estate`` the scope's query carries for credit: the estate's complaint
    tickets this quarter (``complaint_selectors.estate_annotations``)."""
    return complaint_selectors.estate_annotations()


# The estate's own fields the scope's query reads for the complaint lists (its and its
# company's names), besides the annotations.
ESTATE_FIELDS = complaint_selectors.DENSITY_FIELDS


def credit_figures(scope: Scope, extras: Extras) -> dict[str, dict]:
    """The property companies of the place, by their latest rating: how many, how many on the
    blacklist, the grade distribution and the blacklisted companies. Which companies a place
    counts is credit's one definition (``companies_of_place``: registered there or managing an
    estate there; the whole city, all of them), the same as the public ranking's and the API's.
    A few queries; a company counts once per group and once in the total."""
    places = company_places(scope.prefix)
    company_ids = set(places)
    if not company_ids:
        return {}
    ratings = {r.company_id: r for r in place_ratings(scope.prefix).select_related("company")}
    groups: dict[str, set[int]] = {}
    for company_id, paths in places.items():
        for path in paths:
            if len(path) >= scope.length:
                groups.setdefault(path[: scope.length], set()).add(company_id)

    def figures(ids: set[int]) -> dict:
        return {
            "companies": len(ids),
            "companies_blacklisted": sum(1 for c in ids if c in ratings and ratings[c].blacklisted),
        }

    out = {group: figures(ids) for group, ids in groups.items()}
    out[TOTAL] = figures(company_ids)
    grades = {g: 0 for g in GRADES}
    unrated = 0
    for c in company_ids:
        if c in ratings and ratings[c].grade in grades:
            grades[ratings[c].grade] += 1
        else:
            unrated += 1
    extras.breakdowns["grades"] = {
        "type": "pie",
        "title": _("Credit grades of the property companies"),
        "headers": [_("Grade"), _("Companies")],
        "rows": [[g, n] for g, n in grades.items()] + [[str(_("Not rated")), unrated]],
    }
    blacklisted = sorted(
        (r for c, r in ratings.items() if c in company_ids and r.blacklisted),
        key=lambda r: (r.score, r.company.name),
    )
    extras.lists.append(
        {
            "title": _("Companies on the blacklist"),
            "template": "dashboards/_blacklist.html",
            "items": blacklisted,
        }
    )
    return out


def complaint_densities(scope: Scope) -> tuple[list, list]:
    """Complaints per 1,000 units this quarter of the scope's estates (by company, by estate),
    from the scope's own query and unit figures: no query of their own."""
    units = scope.unit_figures()
    fields = complaint_selectors.DENSITY_FIELDS
    return complaint_selectors.densities(
        [*(scope.annotated[pk].get(f) for f in fields), units.get(pk, {}).get("units", 0)]
        for pk, _path, _company in scope.estates
    )
