"""Marking an estate's materialised figures stale when what they are made of changes.

``EstateFigures`` (models.py) keeps per estate the figures that grow with the units. Every
write to what they are made of marks the estate's row stale, in the writer's transaction (so
it commits or rolls back with the write), and bumps its version (so a refresh that read the
figures before the write does not mark them fresh):

* model signals, for writes through the ORM's ``save`` and ``delete`` (a queryset's
  ``delete`` sends them too): units, ownerships, owner parties and their members, persons
  (linked to an account or not), fund ledgers, users (deleting one unlinks their person);
* ``portal.core.signals.estate_figures_changed``, sent by the services that write in bulk
  (``bulk_create``, ``bulk_update``, ``update``, raw SQL): the registry import and the claim
  revocation, the fund's postings, ledger openings and refill sweep.

A dashboard computes a stale estate live (``portal.core.indicators.Scope.unit_figures``), so a missed
invalidation would show an old figure until the nightly full refresh: every writer of these
tables is listed above, and ``tests/portal/dashboards/test_materialised.py`` checks them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from portal.core.signals import estate_figures_changed
from property.fund.models import FundAccount
from property.registry.models import OwnerParty, Ownership, Person, Unit
from voting.models import Ballot, VoteStatus

from .models import CountedVoteBallots, EstateFigures


def mark_stale(estate_ids) -> int:
    """Mark the figures of ``estate_ids`` (ids or a subquery of ids) stale: one UPDATE."""
    if isinstance(estate_ids, list | tuple | set | frozenset):
        estate_ids = [pk for pk in estate_ids if pk is not None]
        if not estate_ids:
            return 0
    return EstateFigures.objects.filter(estate_id__in=estate_ids).update(
        stale=True, version=F("version") + 1
    )


def _on_changed(sender, estate_ids, **kwargs):
    mark_stale(estate_ids)


def _unit(sender, instance, **kwargs):
    mark_stale([instance.estate_id])


def _estate_of_party(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    mark_stale(OwnerParty.objects.filter(pk=instance.party_id).values("estate_id"))


def _party(sender, instance, **kwargs):
    mark_stale([instance.estate_id])


def _person(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    mark_stale(OwnerParty.objects.filter(members=instance.pk).values("estate_id"))


def _user(sender, instance, **kwargs):
    mark_stale(OwnerParty.objects.filter(members__user=instance.pk).values("estate_id"))


def _members(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if reverse:  # instance is a person; pk_set the parties (None on clear)
        if pk_set:
            mark_stale(OwnerParty.objects.filter(pk__in=pk_set).values("estate_id"))
        else:
            mark_stale(OwnerParty.objects.filter(members=instance.pk).values("estate_id"))
    else:
        mark_stale([instance.estate_id])


def _account(sender, instance, **kwargs):
    mark_stale([instance.estate_id])


def _ballot(sender, instance, **kwargs):
    """Drop the counted vote's row. Not for a ballot cast in an open vote (every ballot the
    board takes): rows exist only for votes with a result, which a vote never leaves, and the
    cast checked the vote open under the board lock. This DELETE ran inside that lock."""
    vote = Ballot.vote.field.get_cached_value(instance, None)
    if vote is not None and vote.status == VoteStatus.OPEN:
        return
    CountedVoteBallots.objects.filter(vote_id=instance.vote_id).delete()


def connect() -> None:
    """Connect the receivers (``DashboardsConfig.ready``)."""
    uid = "dashboards.figures."
    for signal in (post_save, post_delete):
        name = signal is post_save and "save" or "delete"
        signal.connect(_unit, sender=Unit, dispatch_uid=f"{uid}unit.{name}")
        signal.connect(_estate_of_party, sender=Ownership, dispatch_uid=f"{uid}ownership.{name}")
        signal.connect(_party, sender=OwnerParty, dispatch_uid=f"{uid}party.{name}")
        signal.connect(_account, sender=FundAccount, dispatch_uid=f"{uid}account.{name}")
    post_save.connect(_person, sender=Person, dispatch_uid=f"{uid}person.save")
    pre_delete.connect(_person, sender=Person, dispatch_uid=f"{uid}person.delete")
    pre_delete.connect(_user, sender=get_user_model(), dispatch_uid=f"{uid}user.delete")
    m2m_changed.connect(_members, sender=OwnerParty.members.through, dispatch_uid=f"{uid}members")
    estate_figures_changed.connect(_on_changed, dispatch_uid=f"{uid}bulk")
    post_save.connect(_ballot, sender=Ballot, dispatch_uid=f"{uid}ballot.save")
    post_delete.connect(_ballot, sender=Ballot, dispatch_uid=f"{uid}ballot.delete")
