"""Writes of the dashboards: refreshing the materialised estate figures (``EstateFigures``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from property.registry.models import Estate

from .models import EstateFigures
from .selectors import UNIT_FIGURES, live_unit_figures

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
