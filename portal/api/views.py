"""Open-data API, version 1.

Public endpoints (anyone, anonymous rate limit) publish figures only; staff endpoints (token or
session of a government staff member) are scoped to the user's governed subtrees like the
dashboards. Interim vote counts and personal data never leave through here.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from cms.selectors import visible_notices
from portal.core.indicators import Extras
from portal.core.links import page_url
from portal.indicators import adoption_table, estate_figures, node_figures
from portal.organisations.models import LEVEL_DEPTH, Jurisdiction, Level, Organisation, OrgKind
from portal.permissions import governed_paths
from property.credit.models import Publication, Rating
from property.credit.selectors import company_districts
from property.fund.indicators import public_fund_rows
from property.registry.indicators import public_estate_rows
from property.registry.models import Estate
from property.revenue.selectors import public_rows
from voting.indicators import adoption_by_prefix
from voting.models import Vote, VoteStatus
from voting.selectors import cached_on_votes, final_result

from . import serializers as s
from .permissions import IsGovernmentStaff
from .schema import PortalAutoSchema


class PublicMixin:
    """Read-only open data: no authentication needed, the anonymous rate limit applies."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]
    schema = PortalAutoSchema()


class OpenDataList(PublicMixin, generics.ListAPIView):
    """A public list: ``rows()`` gives every row (plain dicts) for the API page and for the
    nightly open-data export alike; subclasses name their ``dataset`` and serializer.

    ``of_votes``: the rows are computed from votes only (their published fields, and the
    estate's code and name), so they are cached on the votes' version instead of for a time."""

    dataset = ""
    filter_backends: list = []
    of_votes = False
    rows_format = 2  # raise when the rows' shape changes: cached on votes, they outlive a deploy

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        raise NotImplementedError

    def get_queryset(self):
        """The rows, kept for ``OPEN_DATA_CACHE_SECONDS`` (default 60): open data changes slowly
        and every page of a list is then cut from one computation. Rows of votes (``of_votes``)
        are kept until a vote's published fields change (``voting.selectors.cached_on_votes``:
        one query a request), so the list is computed once per change, and at the latest
        ``OPEN_DATA_VOTES_CACHE_SECONDS`` (default an hour) after an estate's name changed.
        0 for ``OPEN_DATA_CACHE_SECONDS`` caches nothing, votes included."""
        seconds = getattr(settings, "OPEN_DATA_CACHE_SECONDS", 60)
        if not seconds:
            return self.rows(self.request)
        if self.of_votes:
            return cached_on_votes(
                f"api:open-data:{self.dataset}/{self.rows_format}",
                lambda: PickledRows(self.rows()),
                seconds=getattr(settings, "OPEN_DATA_VOTES_CACHE_SECONDS", 3600),
            )
        return cache.get_or_set(f"api:open-data:{self.dataset}", self.rows, seconds)


class PickledRows(Sequence):
    """A list's rows kept as one pickle each, for the cache: a hit loads only byte strings,
    which the garbage collector does not track, and a page loads its own rows. Loaded whole,
    the 3,000 results of a city (2 MB of nested dicts) cost 25 ms a request, and the full
    collections they set off 300 ms every tenth request (measured on a 3,192-vote city)."""

    def __init__(self, rows: list[dict]):
        self.blobs = [pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL) for row in rows]

    def __len__(self) -> int:
        return len(self.blobs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [pickle.loads(blob) for blob in self.blobs[index]]  # noqa: S301 (our own)
        return pickle.loads(self.blobs[index])  # noqa: S301 (our own)


class PublicEstates(OpenDataList):
    """Estates with their property company, units and exclusive-part area (ordered by code)."""

    dataset = "estates"
    serializer_class = s.PublicEstateSerializer

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        return public_estate_rows()


class PublicNotices(OpenDataList):
    """Published, unexpired public notices, newest first (cms)."""

    dataset = "notices"
    serializer_class = s.NoticeSerializer

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        return [
            {
                "id": page.pk,
                "title": page.title,
                "category": page.category,
                "organisation": page.organisation.name if page.organisation else None,
                "jurisdiction": page.jurisdiction.code if page.jurisdiction else None,
                "jurisdiction_name": page.jurisdiction.name if page.jurisdiction else None,
                "publication_date": page.publication_date,
                "expire_at": page.expire_at,
                "summary": page.summary,
                "url": page_url(page),
            }
            for page in visible_notices()
        ]


def _published_ratings(credit_code: str | None = None) -> list[dict]:
    """Ratings of the published quarters only (credit ``Publication``), newest quarter first,
    then by score; optionally of one company."""
    publications = {p.as_of: p for p in Publication.objects.all()}
    qs = Rating.objects.filter(as_of__in=list(publications)).select_related("company")
    if credit_code is not None:
        qs = qs.filter(company__credit_code=credit_code)
    ratings = list(qs.order_by("-as_of", "-score", "company__name"))
    districts = company_districts({r.company_id for r in ratings})
    return [
        {
            "company": r.company.name,
            "credit_code": r.company.credit_code,
            "year": publications[r.as_of].year,
            "quarter": publications[r.as_of].quarter,
            "as_of": r.as_of,
            "score": r.score,
            "grade": r.grade,
            "blacklisted": r.blacklisted,
            "districts": sorted(districts.get(r.company_id, [])),
        }
        for r in ratings
    ]


class PublicRatings(OpenDataList):
    """The latest published quarter's company ratings, by score (credit)."""

    dataset = "ratings"
    serializer_class = s.RatingSerializer

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        rows = _published_ratings()
        if not rows:
            return []
        latest = rows[0]["as_of"]
        return [r for r in rows if r["as_of"] == latest]


class PublicRatingHistory(OpenDataList):
    """Every published quarter's company ratings (the rating history), newest quarter first."""

    dataset = "rating_history"
    serializer_class = s.RatingSerializer

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        return _published_ratings()


class PublicCompanyRatings(PublicMixin, APIView):
    """One company's ratings in every published quarter (newest first)."""

    @extend_schema(responses=s.CompanyHistorySerializer, operation_id="company_ratings")
    def get(self, request, credit_code: str, version=None):
        company = get_object_or_404(
            Organisation, kind=OrgKind.PROPERTY_COMPANY, credit_code=credit_code
        )
        data = {
            "company": company.name,
            "credit_code": company.credit_code,
            "ratings": _published_ratings(company.credit_code),
        }
        return Response(s.CompanyHistorySerializer(data).data)


RESULT_FIELDS = (
    "estate__code",
    "estate__name",
    "title",
    "matter",
    "opens_at",
    "closes_at",
    "finalised_at",
    "status",
    "outcome",
    "result",
)


class PublicVoteResults(OpenDataList):
    """Results of final votes (after the publicity period): the tally figures only, never a
    ballot, a party or a person; votes that are not final are not listed."""

    dataset = "vote_results"
    serializer_class = s.VoteResultSerializer
    of_votes = True

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        votes = (
            Vote.objects.filter(status=VoteStatus.FINAL)
            .select_related("estate")
            .only(*RESULT_FIELDS)  # not the keys, the manifest and the sealed links
            .order_by("-finalised_at", "-pk")
        )
        rows = []
        for vote in votes:
            result = final_result(vote)
            if result is None:
                continue
            rows.append(
                {
                    "id": vote.pk,
                    "estate": vote.estate.code,
                    "estate_name": vote.estate.name,
                    "title": vote.title,
                    "matter": vote.matter,
                    "opens_at": vote.opens_at,
                    "closes_at": vote.closes_at,
                    "finalised_at": vote.finalised_at,
                    "outcome": vote.outcome,
                    "result": result,
                }
            )
        return rows


class PublicFundEstates(OpenDataList):
    """Maintenance fund statistics per estate: ledgers, balance, refills due, open requests."""

    dataset = "fund_estates"
    serializer_class = s.FundEstateSerializer

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        return public_fund_rows()


class PublicRevenueStatements(OpenDataList):
    """Shared revenue of common parts: every estate's published half-yearly totals by category
    (no counterparty, no voucher)."""

    dataset = "revenue_statements"
    serializer_class = s.RevenueStatementSerializer

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        return public_rows()


class PublicIndicators(OpenDataList):
    """Adoption indicators of the city, each district, street and community: estates on the
    platform, estates with a valid decision, votes failed for lack of participation, median
    turnout by heads and area, ballots per channel (votes counted in the last 12 months)."""

    dataset = "indicators"
    serializer_class = s.NodeAdoptionSerializer

    @classmethod
    def rows(cls, request=None) -> list[dict]:
        return [
            {**_node_ref(node), "indicators": adoption_json(a)}
            for node, a in adoption_table(LEVEL_DEPTH[Level.COMMUNITY])
        ]


def adoption_json(a) -> dict:
    """A ``voting.adoption.Adoption`` as the API's plain values."""
    return {
        "since": a.since,
        "estates": a.estates,
        "estates_on_platform": a.estates_on_platform,
        "estates_with_decision": a.estates_with_decision,
        "votes_counted": a.votes_counted,
        "valid_decisions": a.valid_decisions,
        "failed_participation": a.failed_participation,
        "median_turnout_heads": a.median_turnout_heads,
        "median_turnout_area": a.median_turnout_area,
        "ballots": a.ballots,
        "channels": {c: {"ballots": n, "share": pct} for c, n, pct in a.channels},
    }


class StaffMixin:
    permission_classes = [IsGovernmentStaff]
    throttle_classes = [UserRateThrottle]
    schema = PortalAutoSchema()


def _node_ref(node: Jurisdiction) -> dict:
    return {"code": node.code, "name": node.name, "level": node.level}


def _node_row(node: Jurisdiction, figures: dict) -> dict:
    return {**_node_ref(node), "figures": figures}


class StaffNodeDashboard(StaffMixin, APIView):
    """The dashboard figures of a node in the caller's scope, with its children's figures."""

    @extend_schema(responses=s.StaffNodeDashboardSerializer, operation_id="staff_node_dashboard")
    def get(self, request, code: str, version=None):
        node = get_object_or_404(Jurisdiction, code=code)
        if not request.user.has_perm("dashboards.view_node", node):
            raise PermissionDenied("This node is outside your jurisdiction.")
        extras = Extras()
        board = node_figures(node, extras)
        data = _node_row(node, board.total)
        data["children"] = [_node_row(r.node, r.figures) for r in board.children]
        # Cached on the votes' version, as the dashboard page's (no walk of every counted vote)
        adoption = adoption_by_prefix(extras.scope, extras.adoption_votes, [node.path])
        data["adoption"] = adoption_json(adoption[node.path])
        return Response(s.StaffNodeDashboardSerializer(data).data)


class StaffEstates(StaffMixin, generics.ListAPIView):
    """Estates in the caller's scope with their indicators (paginated, ordered by code)."""

    serializer_class = s.EstateFiguresSerializer
    filter_backends: list = []

    def get_queryset(self):
        q = Q(pk__in=[])
        for path in governed_paths(self.request.user):
            q |= Q(jurisdiction__path__startswith=path)
        return Estate.objects.filter(q).select_related("jurisdiction", "company").order_by("code")

    @extend_schema(operation_id="staff_estates")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        prefix = _common_prefix([e.jurisdiction.path for e in page])
        figures = estate_figures(page, prefix=prefix)
        rows = [
            {
                "code": e.code,
                "name": e.name,
                "node": e.jurisdiction.code,
                "company": e.company.name if e.company else None,
                "company_credit_code": e.company.credit_code if e.company else None,
                "figures": figures[e.pk],
            }
            for e in page
        ]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


def _common_prefix(paths: list[str]) -> str:
    """The longest whole-node path prefix shared by all paths ("" when none)."""
    if not paths:
        return ""
    first, last = min(paths), max(paths)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[: n - n % Jurisdiction.steplen]
