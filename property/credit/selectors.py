"""Read side of the credit rating: scoring inputs from the database, ratings, rankings.

Contract (docs/contracts): ``current_rating(company)`` and ``ratings_in_scope(q)``.

Inputs of a score on a date ``as_of`` (DOMAIN.md section 3; the defaults are design):

* checklist: the sum of the company's checklist entries of the latest year up to
  ``as_of.year`` that has any (clamped to 60); 0 if it was never assessed;
* satisfaction: satisfied answers / all answers of the latest survey year up to
  ``as_of.year`` that has any answers, so a company keeps last year's share until this year's
  first answers arrive; a company never surveyed gets no satisfaction points (share 0);
* records: every record notified on or before ``as_of``; the pure rule decides which count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from portal.organisations.models import Jurisdiction, Level, Organisation, OrgKind
from property.registry.models import Estate

from .models import (
    AppliesTo,
    ChecklistEntry,
    CreditRecord,
    Objection,
    ObjectionStatus,
    OwnerRating,
    Publication,
    Rating,
    RecordStatus,
    SatisfactionAnswer,
)
from .scoring import (
    BASIC_MAX,
    Record,
    Satisfaction,
    ScoreBreakdown,
    satisfaction_share,
    score_many,
)


@dataclass
class CompanyInputs:
    checklist: Decimal = Decimal("0")
    checklist_year: int | None = None
    satisfaction: Decimal = Decimal("0")
    answers: int = 0
    satisfied: int = 0
    survey_year: int | None = None
    records: list[Record] = field(default_factory=list)
    # The owners' quarterly ratings (issue 19): the latest quarter up to as_of with ratings.
    survey_share: Decimal | None = None
    rating_year: int | None = None
    rating_quarter: int | None = None
    ratings: int = 0
    stars_total: int = 0
    parts: Satisfaction | None = None


def companies():
    return Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY)


# ---- the companies of a place: one definition for every count ------------------------------


def _whole_city(path: str) -> bool:
    return len(path or "") <= Jurisdiction.steplen


def companies_of_place(path: str = ""):
    """The property companies a place counts, in the dashboards, the public ranking and the API
    alike: those registered at or under the place (their organisation's jurisdiction) and those
    managing an estate under it. The whole city (``""`` or the root's path) counts every
    property company, wherever it is registered and whether or not it manages an estate now.
    """
    if _whole_city(path):
        return companies()
    return companies().filter(
        Q(jurisdiction__path__startswith=path)
        | Q(pk__in=Estate.objects.filter(jurisdiction__path__startswith=path).values("company_id"))
    )


def company_places(path: str = "") -> dict[int, set[str]]:
    """Each company of the place (``companies_of_place``) with the jurisdiction paths under the
    place it belongs to there: where it is registered and where its estates are (two queries).
    Dashboards group these paths by child to count each child's companies.

    The companies are those two queries' own: registered under the place or managing an estate
    under it; for the whole city every company (registered anywhere or nowhere)."""
    prefix = path or ""
    whole_city = _whole_city(path)
    out: dict[int, set[str]] = {}
    registered = (
        companies() if whole_city else companies().filter(jurisdiction__path__startswith=prefix)
    )
    for pk, where in registered.values_list("pk", "jurisdiction__path"):
        places = out.setdefault(pk, set())
        if where is not None and where.startswith(prefix):
            places.add(where)
    estates = Estate.objects.filter(
        jurisdiction__path__startswith=prefix, company__kind=OrgKind.PROPERTY_COMPANY
    ).values_list("company_id", "jurisdiction__path")
    for pk, where in estates:
        out.setdefault(pk, set()).add(where)
    return out


def place_ratings(path: str = "", *, as_of: date | None = None):
    """The latest rating (up to ``as_of``, default today) of each company of the place, by score.

    The dashboards' company figures (how many, how many on the blacklist, grades) are counted
    over these; the public ranking over the same companies' published ratings."""
    return ratings_in_scope(as_of=as_of).filter(company__in=companies_of_place(path))


def for_companies(records):
    """The records that count for a company: not those about its project manager alone."""
    return records.exclude(applies_to=AppliesTo.MANAGER)


def scoring_inputs(company_ids: Iterable[int] | None, as_of: date) -> dict[int, CompanyInputs]:
    """Checklist, satisfaction share and records of each company on ``as_of`` (see module doc).

    ``company_ids`` None means every property company. Four queries whatever the number.
    """
    ids = list(company_ids) if company_ids is not None else None
    inputs: dict[int, CompanyInputs] = {}
    base = companies() if ids is None else companies().filter(pk__in=ids)
    for pk in base.values_list("pk", flat=True):
        inputs[pk] = CompanyInputs()

    def scoped(qs):
        return qs if ids is None else qs.filter(company_id__in=ids)

    checklist_rows = (
        scoped(ChecklistEntry.objects.filter(year__lte=as_of.year))
        .values("company_id", "year")
        .annotate(total=Sum("points"))
        .order_by("company_id", "year")
    )
    for row in checklist_rows:  # ascending years: the latest one wins
        ci = inputs.get(row["company_id"])
        if ci is not None:
            ci.checklist = min(row["total"], BASIC_MAX)
            ci.checklist_year = row["year"]

    survey_rows = (
        scoped(SatisfactionAnswer.objects.filter(year__lte=as_of.year))
        .values("company_id", "year")
        .annotate(total=Count("id"), yes=Count("id", filter=Q(satisfied=True)))
        .order_by("company_id", "year")
    )
    for row in survey_rows:
        ci = inputs.get(row["company_id"])
        if ci is not None and row["total"]:
            ci.answers, ci.satisfied, ci.survey_year = row["total"], row["yes"], row["year"]
            ci.survey_share = Decimal(row["yes"]) / Decimal(row["total"])

    _owner_ratings(inputs, scoped, as_of)
    weight = Decimal(str(settings.GONGZHI.get("CREDIT_OWNER_RATING_WEIGHT", "0.3")))
    for ci in inputs.values():
        ci.parts = satisfaction_share(
            survey=ci.survey_share, stars_total=ci.stars_total, ratings=ci.ratings, weight=weight
        )
        ci.satisfaction = ci.parts.share

    status_map = {RecordStatus.EFFECTIVE: "effective", RecordStatus.REVOKED: "revoked"}
    record_rows = (
        scoped(for_companies(CreditRecord.objects.filter(notified_on__lte=as_of)))
        .order_by("company_id", "occurred_on", "pk")
        .values_list(
            "company_id", "pk", "kind", "points", "effective", "validity_days", "serious", "status"
        )
    )
    for company_id, pk, kind, points, effective, validity, serious, status in record_rows:
        ci = inputs.get(company_id)
        if ci is None:
            continue
        scoring_status = status_map.get(status, "pending")
        ci.records.append(
            Record(
                kind=kind,
                points=points,
                effective=effective,
                validity_days=validity,
                serious=serious,
                status=scoring_status,
                code=str(pk),
            )
        )
    return inputs


def _owner_ratings(inputs: dict[int, CompanyInputs], scoped, as_of: date) -> None:
    """Each company's owners' ratings of the latest quarter up to ``as_of`` that has any."""

    current = as_of.year * 4 + (as_of.month - 1) // 3
    rows = (
        scoped(OwnerRating.objects.filter(year__lte=as_of.year))
        .values("company_id", "year", "quarter")
        .annotate(n=Count("id"), stars=Sum("stars"))
        .order_by("company_id", "year", "quarter")
    )
    for row in rows:
        ci = inputs.get(row["company_id"])
        if ci is not None and row["year"] * 4 + row["quarter"] - 1 <= current:
            ci.rating_year, ci.rating_quarter = row["year"], row["quarter"]
            ci.ratings, ci.stars_total = row["n"], row["stars"]


def score_companies(
    company_ids: Iterable[int] | None, as_of: date
) -> tuple[dict[int, CompanyInputs], dict[int, ScoreBreakdown]]:
    """Score companies on ``as_of`` with the pure rule (``score_many``)."""
    inputs = scoring_inputs(company_ids, as_of)
    results = score_many(
        {str(pk): (ci.checklist, ci.satisfaction, ci.records) for pk, ci in inputs.items()}, as_of
    )
    return inputs, {int(k): v for k, v in results.items()}


def company_breakdown(company: Organisation, as_of: date | None = None):
    """(inputs, breakdown, records by pk) for one company, computed live for ``as_of``."""
    as_of = as_of or timezone.localdate()
    inputs, results = score_companies([company.pk], as_of)
    records = {
        r.pk: r
        for r in CreditRecord.objects.filter(company=company).select_related(
            "item", "estate", "objection", "manager"
        )
    }
    return inputs[company.pk], results[company.pk], records


def current_rating(company: Organisation) -> Rating | None:
    """The company's latest stored rating (up to today), or None if never rated."""
    return (
        Rating.objects.filter(company=company, as_of__lte=timezone.localdate())
        .order_by("-as_of")
        .first()
    )


def ratings_in_scope(q: Q | None = None, *, as_of: date | None = None):
    """Each company's latest rating (up to ``as_of``, default today), for dashboards.

    ``q`` filters estates (e.g. ``portal.permissions.scope_q(user, "jurisdiction__path")``):
    only companies managing an estate it selects are included; None means every company.
    Ordered by score, highest first.
    """
    as_of = as_of or timezone.localdate()
    latest = (
        Rating.objects.filter(company=OuterRef("company"), as_of__lte=as_of)
        .order_by("-as_of")
        .values("as_of")[:1]
    )
    qs = Rating.objects.filter(as_of=Subquery(latest)).select_related("company")
    if q is not None:
        qs = qs.filter(company__in=Estate.objects.filter(q).values("company_id"))
    return qs.order_by("-score", "company__name")


def latest_publication() -> Publication | None:
    return Publication.objects.order_by("-year", "-quarter").first()


def districts():
    return Jurisdiction.objects.filter(level=Level.DISTRICT).order_by("path")


def public_ranking(
    publication: Publication, *, district: Jurisdiction | None = None, grade: str | None = None
):
    """The published ratings of a quarter, ranked by score (then name). Filters: the companies
    of ``district`` (``companies_of_place``: registered there or managing an estate there);
    ``grade``."""
    qs = Rating.objects.filter(as_of=publication.as_of).select_related("company")
    if district is not None:
        qs = qs.filter(company__in=companies_of_place(district.path))
    if grade:
        qs = qs.filter(grade=grade)
    return qs.order_by("-score", "company__name")


def company_districts(company_ids: Iterable[int]) -> dict[int, list[str]]:
    """District names where each company manages estates."""
    by_path = {d.path: d.name for d in districts()}
    result: dict[int, set[str]] = defaultdict(set)
    for company_id, path in Estate.objects.filter(company_id__in=list(company_ids)).values_list(
        "company_id", "jurisdiction__path"
    ):
        name = by_path.get(path[: 2 * Jurisdiction.steplen])
        if name:
            result[company_id].add(name)
    return {k: sorted(v) for k, v in result.items()}


def rating_history(company: Organisation, *, limit: int = 400):
    """The company's stored ratings, oldest first (for the chart and table)."""
    rows = list(Rating.objects.filter(company=company).order_by("-as_of")[:limit])
    rows.reverse()
    return rows


def records_in_force(company: Organisation, as_of: date | None = None) -> list[CreditRecord]:
    """Records counting on ``as_of`` (public: item, points, dates, estate; no personal data)."""
    as_of = as_of or timezone.localdate()
    records = for_companies(
        CreditRecord.objects.filter(
            company=company, status=RecordStatus.EFFECTIVE, effective__lte=as_of
        )
    ).select_related("item", "estate")
    return [r for r in records if r.last_day() >= as_of]


def pending_records(company: Organisation):
    return (
        CreditRecord.objects.filter(
            company=company, status__in=[RecordStatus.PENDING, RecordStatus.OBJECTED]
        )
        .select_related("item", "estate", "objection", "manager")
        .order_by("objection_deadline", "pk")
    )


def open_objections(q: Q | None = None):

    qs = Objection.objects.filter(status=ObjectionStatus.OPEN).select_related(
        "record__company",
        "record__item",
        "record__estate__jurisdiction",
        "record__company__jurisdiction",
    )
    return qs.order_by("filed_at", "pk")


def supervision_list(as_of: date | None = None):
    """Companies on the blacklist or past a supervision threshold, by their latest rating."""
    return ratings_in_scope(as_of=as_of).filter(Q(blacklisted=True) | ~Q(supervision="none"))


def latest_as_of() -> date | None:
    return Rating.objects.aggregate(m=Max("as_of"))["m"]


# ---- the workbench's lists (portal.workbench) ------------------------------------------------


def survey_answers_by_estate(estates, year: int) -> dict[int, int]:
    """How many owner parties of each estate answered the satisfaction survey of ``year``."""
    rows = (
        SatisfactionAnswer.objects.filter(estate__in=estates, year=year)
        .values("estate_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["estate_id"]: row["n"] for row in rows}


def with_survey_answered(parties, year: int):
    """``parties`` (a queryset of owner parties) annotated ``survey_answered``: whether the
    party answered the survey of ``year``, read in the parties' own query."""
    return parties.annotate(
        survey_answered=Exists(SatisfactionAnswer.objects.filter(party=OuterRef("pk"), year=year))
    )


def survey_parties_unanswered(parties, year: int) -> list:
    """The parties (of estates with a property company) that have not answered the survey of
    ``year`` yet. Parties read through ``with_survey_answered`` cost no query."""
    parties = [p for p in parties if p.estate.company_id]
    if all(hasattr(p, "survey_answered") for p in parties):
        return [p for p in parties if not p.survey_answered]
    answered = set(
        SatisfactionAnswer.objects.filter(year=year, party__in=parties).values_list(
            "party_id", flat=True
        )
    )
    return [p for p in parties if p.pk not in answered]


def supervision_list_of_place(path: str = "", as_of: date | None = None):
    """``supervision_list`` limited to the companies a place counts (``companies_of_place``)."""
    return (
        supervision_list(as_of)
        .filter(company__in=companies_of_place(path))
        .order_by("company__name")
    )
