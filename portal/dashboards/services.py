"""Writes of the dashboards: refreshing the materialised estate figures (``EstateFigures``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from portal.indicators import UNIT_FIGURES, live_unit_figures
from property.registry.models import Estate
from voting.models import RESULT_STATUSES, Ballot, Vote

from .models import CountedVoteBallots, EstateFigures

#: Estates computed per grouped query of a refresh.
REFRESH_BATCH = 200


def estate_figures_refresh(*, everything: bool = False, estate_ids=None, now=None) -> int:
    """Compute the figures of the stale estates (``everything``: of every estate, a backstop
    against a missed invalidation) and store
    them as fresh; returns how many were refreshed.

    Preconditions: none (run by the worker every minute, and nightly with ``everything``).
    Rows are made, stale, for estates that have none. Each estate's row is written only if its
    version is still the one read before computing: a change committed meanwhile keeps it
    stale for the next run (never a figure older than what the row says it is).
    """
    now = now or timezone.now()
    with transaction.atomic():
        have = set(EstateFigures.objects.values_list("estate_id", flat=True))
        missing = Estate.objects.exclude(pk__in=have) if have else Estate.objects.all()
        EstateFigures.objects.bulk_create(
            [EstateFigures(estate_id=pk) for pk in missing.values_list("pk", flat=True)],
            batch_size=2000,
            ignore_conflicts=True,
        )
    # Everything: recomputed while the fresh rows keep serving (no slow pages meanwhile).
    stale = EstateFigures.objects.all() if everything else EstateFigures.objects.filter(stale=True)
    if estate_ids is not None:
        stale = stale.filter(estate_id__in=estate_ids)
    versions = dict(stale.order_by("estate_id").values_list("estate_id", "version"))
    ids = list(versions)
    done = 0
    for i in range(0, len(ids), REFRESH_BATCH):
        batch = ids[i : i + REFRESH_BATCH]
        figures = live_unit_figures(batch)
        with transaction.atomic():
            for estate_id in batch:
                values = figures.get(estate_id) or dict.fromkeys(UNIT_FIGURES, 0)
                done += EstateFigures.objects.filter(
                    estate_id=estate_id, version=versions[estate_id]
                ).update(**values, stale=False, refreshed_at=now)
    return done


def counted_vote_ballots_refresh() -> int:
    """Store the ballots by channel of every vote whose result exists and has no row yet
    (``CountedVoteBallots``); returns how many rows were made.

    Preconditions: none. A counted vote's ballots are final (the count voids what it does not
    count before the status moves on), so a row never goes stale; a ballot written through the
    ORM drops its vote's row all the same (``figures.py``).
    """
    votes = list(
        Vote.objects.filter(status__in=RESULT_STATUSES, ballot_counts__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    made = 0
    for i in range(0, len(votes), REFRESH_BATCH):
        batch = votes[i : i + REFRESH_BATCH]
        counts: dict[int, dict] = {pk: {} for pk in batch}
        for vote_id, channel, n in (
            Ballot.objects.filter(vote_id__in=batch)
            .order_by()
            .values_list("vote_id", "channel")
            .annotate(n=Count("pk"))
        ):
            counts[vote_id][channel] = n
        with transaction.atomic():
            # Still counted (a vote does not leave the result states; checked all the same).
            still = set(
                Vote.objects.filter(pk__in=batch, status__in=RESULT_STATUSES).values_list(
                    "pk", flat=True
                )
            )
            made += len(
                CountedVoteBallots.objects.bulk_create(
                    [
                        CountedVoteBallots(vote_id=pk, counts=counts[pk])
                        for pk in batch
                        if pk in still
                    ],
                    ignore_conflicts=True,
                )
            )
    return made
