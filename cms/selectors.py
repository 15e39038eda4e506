"""Read side of the CMS: which notices a place sees, the home and estate page figures, search.

Other apps use ``notices_for_estate`` (the resident dashboard).
"""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, TaskState

from portal.organisations.models import Jurisdiction, Level, Organisation, OrgKind
from property.credit import manager_selectors as credit_manager_selectors
from property.credit import selectors as credit_selectors
from property.fund import selectors as fund_selectors
from property.registry.models import Estate, Unit
from property.registry.selectors import estate_totals, estates_of_user
from property.revenue import selectors as revenue_selectors
from voting import selectors as voting_selectors

from .models import EstatePage, NoticeIndexPage, NoticePage
from .segment import segment_query

CACHE_GENERATION_KEY = "cms:generation"


def generation() -> int:
    """A counter bumped whenever a page is published or unpublished (keys cached fragments)."""
    value = cache.get(CACHE_GENERATION_KEY)
    if value is None:
        value = int(timezone.now().timestamp())
        cache.add(CACHE_GENERATION_KEY, value, None)
    return value


def bump_generation() -> None:
    try:
        cache.incr(CACHE_GENERATION_KEY)
    except ValueError:
        cache.set(CACHE_GENERATION_KEY, int(timezone.now().timestamp()), None)


def ancestor_paths(node: Jurisdiction) -> list[str]:
    """Materialised paths of the node and all its ancestors (no query)."""
    step = Jurisdiction.steplen
    return [node.path[: i * step] for i in range(1, len(node.path) // step + 1)]


def visible_notices():
    """Published, public, unexpired notices, newest first."""

    now = timezone.now()
    return (
        NoticePage.objects.live()
        .public()
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        .select_related("organisation", "jurisdiction")
        .order_by("-publication_date", "-first_published_at", "-pk")
    )


def notices_applying_to(node: Jurisdiction | None):
    """Notices targeted at the node or any ancestor, or untargeted (city-wide)."""
    qs = visible_notices()
    if node is None:
        return qs.filter(jurisdiction__isnull=True)
    return qs.filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__path__in=ancestor_paths(node)))


def notices_for_estate(estate: Estate, limit: int = 10) -> list:
    """Published, unexpired notices targeted at the estate or any ancestor node (or untargeted
    city-wide), newest first. Contract: used by the resident dashboard."""
    return list(notices_applying_to(estate.jurisdiction)[:limit])


def notices_for_jurisdiction(node: Jurisdiction):
    """The feed of a place: notices that apply to it (itself, ancestors, city-wide) and those
    targeted at places within it."""
    qs = visible_notices()
    return qs.filter(
        Q(jurisdiction__isnull=True)
        | Q(jurisdiction__path__in=ancestor_paths(node))
        | Q(jurisdiction__path__startswith=node.path)
    )


def notices_under(index_page, *, category: str | None = None):
    qs = visible_notices().descendant_of(index_page)
    if category:
        qs = qs.filter(category=category)
    return qs


def paginate(request, queryset, *, per_page: int = 20):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def city_figures() -> dict:
    """Key city figures from the registry and the CMS (cached for five minutes)."""
    key = f"cms:city-figures:{generation()}"
    figures = cache.get(key)
    if figures is None:
        units = Unit.objects.aggregate(n=Count("pk"), area=Sum("area"))
        figures = {
            "communities": Jurisdiction.objects.filter(level=Level.COMMUNITY).count(),
            "estates": Estate.objects.count(),
            "units": units["n"],
            "area": units["area"] or 0,
            "companies": Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY).count(),
            "notices": visible_notices().count(),
        }
        cache.set(key, figures, 300)
    return figures


def home_context(request) -> dict:
    """What the home page shows: latest notices, the visitor's estates with their notices
    (and votes, once voting's selectors are merged), the city figures."""

    # Lazy: the public part of the home page is a cached template fragment keyed by
    # ``generation``, so on a cache hit neither the notices nor the figures are queried.
    context = {
        "latest_notices": visible_notices()[:8],
        "figures": SimpleLazyObject(city_figures),
        "generation": generation(),
        "my_estates": [],
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        estates = list(estates_of_user(user).select_related("jurisdiction"))
        pages = {p.estate_id: p for p in EstatePage.objects.live().filter(estate__in=estates)}
        for estate in estates:
            context["my_estates"].append(
                {
                    "estate": estate,
                    "page": pages.get(estate.pk),
                    "community_page": pages[estate.pk].get_parent() if estate.pk in pages else None,
                    "notices": notices_for_estate(estate, limit=5),
                    **optional_estate_sections(estate, only=("votes",)),
                }
            )
    return context


def optional_estate_sections(estate: Estate, only=("votes", "fund", "credit")) -> dict:
    """Sections backed by the voting, fund and credit selectors (docs/contracts.md). Voting's and
    credit's are merged; the fund's is called only once that app provides it (until then
    their template include says the figures will appear there) — no figures are made up."""
    sections: dict = {}
    if "votes" in only:
        sections["open_votes"] = list(voting_selectors.open_votes(estate))
        sections["upcoming_votes"] = list(voting_selectors.upcoming_votes(estate))
        sections["votes_available"] = True
    if "fund" in only:
        sections["fund"] = fund_selectors.estate_fund_summary(estate)
    if "credit" in only:
        sections["rating"] = (
            credit_selectors.current_rating(estate.company) if estate.company_id else None
        )
        sections["estate_manager"] = credit_manager_selectors.estate_manager(estate)
        sections["credit_available"] = True
    return sections


def estate_context(estate: Estate) -> dict:
    return {
        "company": estate.company,
        "committee": estate.owners_committee(),
        "totals": estate_totals(estate),
        "notices": notices_for_estate(estate),
        # Shared revenue (公共收益): each published half-year's totals by category, public.
        "revenue": revenue_selectors.public_summary(estate),
        **optional_estate_sections(estate),
    }


# ---- search ----------------------------------------------------------------------------------


def search_pages(
    query: str,
    *,
    category: str | None = None,
    organisation_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """Search published pages; Chinese words are found inside Chinese text (``cms.segment``).

    With a notice filter (category, organisation, dates) only notices are searched.
    Returns a list of specific pages (empty when there is nothing to search for).
    """

    terms = segment_query(query)
    filtered = any([category, organisation_id, date_from, date_to])
    if filtered:
        qs = NoticePage.objects.live().public()
        if category:
            qs = qs.filter(category=category)
        if organisation_id:
            qs = qs.filter(organisation_id=organisation_id)
        if date_from:
            qs = qs.filter(publication_date__gte=date_from)
        if date_to:
            qs = qs.filter(publication_date__lte=date_to)
        now = timezone.now()
        qs = qs.filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        if not terms:
            return list(qs.order_by("-publication_date")[:100])
        return list(qs.search(terms, operator="and")[:100])
    if not terms:
        return []
    return list(Page.objects.live().public().search(terms, operator="and")[:100])


# ---- the workbench's lists (portal.workbench) ------------------------------------------------


def notices_awaiting_review(user) -> list:
    """Notices on a workflow task the user may approve (the bureau's approvers), oldest first:
    ``(notice, submitted_at)`` pairs."""

    states = (
        TaskState.objects.reviewable_by(user)
        .filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state")
        .order_by("started_at", "pk")
    )
    ids = {}
    for state in states:
        ids.setdefault(int(state.workflow_state.object_id), state.started_at)
    pages = NoticePage.objects.filter(pk__in=ids).select_related("organisation", "jurisdiction")
    return sorted(((p, ids[p.pk]) for p in pages), key=lambda row: (row[1], row[0].pk))


def notice_drafts(organisation_ids) -> list:
    """Notices of these organisations not yet published (drafts and those in moderation),
    oldest change first."""

    return list(
        NoticePage.objects.filter(organisation_id__in=organisation_ids, live=False)
        .select_related("organisation")
        .order_by("latest_revision_created_at", "pk")
    )


def notice_sections_of(organisation_ids) -> list:
    """The notice sections (index pages) of these organisations' jurisdictions, where their
    staff add notices."""

    return list(
        NoticeIndexPage.objects.filter(
            jurisdiction__organisations__pk__in=organisation_ids
        ).distinct()
    )
