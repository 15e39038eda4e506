"""Reads: a person's notifications and unread count; who is told of a step at a place."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from portal.organisations.models import Jurisdiction, Membership

from .models import Notification


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def _ancestor_paths(node: Jurisdiction) -> list[str]:
    step = Jurisdiction.steplen
    return [node.path[:i] for i in range(step, len(node.path) + 1, step)]


def staff_governing(node: Jurisdiction, *, kinds, roles=None) -> QuerySet:
    """Active members of organisations of ``kinds`` sitting at ``node`` or above it (the street
    office over an estate, the district bureau over a street), optionally of ``roles``."""
    memberships = Membership.objects.filter(
        active=True,
        organisation__kind__in=list(kinds),
        organisation__jurisdiction__path__in=_ancestor_paths(node),
    )
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .distinct()
    )


def members_of(organisation, roles=None) -> QuerySet:
    """Active members of one organisation (a company's staff, an owners' committee)."""
    memberships = Membership.objects.filter(active=True, organisation=organisation)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .distinct()
    )
