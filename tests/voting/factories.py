"""Builders for voting tests: a vote in any state over an estate built with ``add_units``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from property.registry.models import OwnerParty
from tests.factories import add_units, make_user
from voting import services
from voting.models import Vote

PAST = timedelta(days=30)


def party(estate, label: str) -> OwnerParty:
    return OwnerParty.objects.get(estate=estate, label=label)


def developer(estate) -> OwnerParty:
    return OwnerParty.objects.get(estate=estate, key="developer")


def link_user(p: OwnerParty, index: int = 0):
    """Give the party's ``index``-th member a portal account (a verified owner)."""
    person = list(p.members.order_by("pk"))[index]
    user = make_user()
    person.user = user
    person.save(update_fields=["user"])
    return user


def draft_vote(estate, *, actor=None, matter: int = 1, opens_in=timedelta(days=8), **extra) -> Vote:
    now = timezone.now()
    opens_at = extra.pop("opens_at", now + opens_in)
    return services.vote_create(
        actor=actor,
        estate=estate,
        title=extra.pop("title", "更换物业公司"),
        matter=matter,
        motion=extra.pop("motion", "是否同意更换物业服务企业。"),
        opens_at=opens_at,
        closes_at=extra.pop("closes_at", opens_at + timedelta(days=10)),
        **extra,
    )


def open_vote(estate, *, matter: int = 1, allow_change: bool = True, **extra) -> Vote:
    """A vote opened now (scheduled with notice in the past), electorate frozen now."""
    now = timezone.now()
    vote = services.vote_create(
        actor=None,
        estate=estate,
        title=extra.pop("title", "测试表决"),
        matter=matter,
        motion="动议",
        opens_at=now - timedelta(minutes=1),
        closes_at=extra.pop("closes_at", now + timedelta(days=7)),
        allow_change=allow_change,
        **extra,
    )
    services.vote_schedule(actor=None, vote=vote, now=now - timedelta(days=10))
    services.vote_open(vote=vote, now=now)
    return vote


def finish(vote: Vote) -> Vote:
    """Close, count and publicise ``vote`` (as the worker would after its close)."""
    later = vote.closes_at + timedelta(seconds=1)
    services.vote_close(vote=vote, now=later)
    services.vote_count(vote=vote, now=later)
    services.vote_publicise(vote=vote, now=later)
    vote.refresh_from_db()
    return vote


def estate_with(estate, specs):
    """``add_units`` and return the units."""
    return add_units(estate, specs)
