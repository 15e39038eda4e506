"""Materialised figures of each estate, for the dashboards above the estate (issue 21).

The city, district and street dashboards sum figures over every unit, ownership and fund
ledger of their subtree: at a city's size that is millions of rows on every request. The
figures that grow with the units are kept here per estate, refreshed by
``services.estate_figures_refresh`` (every minute by the worker, for the estates marked stale;
every night for all) and marked stale, in the writer's transaction, when anything they are
made of changes (``figures.py``). A dashboard uses an estate's row only while it is fresh, and
computes the stale and missing estates live: what it shows is always the live figure.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from property.registry.models import Estate


class EstateFigures(models.Model):
    """One estate's unit-level figures as of ``refreshed_at`` (valid while not ``stale``)."""

    estate = models.OneToOneField(
        Estate, primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    units = models.PositiveIntegerField(default=0)
    area_centi = models.BigIntegerField(default=0)
    parties = models.PositiveIntegerField(default=0)
    verified_parties = models.PositiveIntegerField(default=0)
    fund_accounts = models.PositiveIntegerField(default=0)
    balance_fen = models.BigIntegerField(default=0)
    refill_due = models.PositiveIntegerField(default=0)
    # Bumped by every invalidation: a refresh writes its figures only if no change came
    # in between (it read the version before computing).
    version = models.PositiveBigIntegerField(default=0)
    stale = models.BooleanField(default=True, db_index=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("estate figures")
        verbose_name_plural = _("estate figures")

    def __str__(self):
        return f"{self.estate_id}{' (stale)' if self.stale else ''}"


class CountedVoteBallots(models.Model):
    """A counted vote's ballots by channel (``{channel: n}``), for the adoption figures.

    Made by the worker's refresh for votes whose result exists (``RESULT_STATUSES``): their
    ballots no longer change (the count voids what it does not count before the status moves
    on). A vote without a row is counted live; a ballot written through the ORM drops its row.
    """

    vote = models.OneToOneField(
        "voting.Vote", primary_key=True, on_delete=models.CASCADE, related_name="ballot_counts"
    )
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("ballots of a counted vote")
        verbose_name_plural = _("ballots of counted votes")

    def __str__(self):
        return f"{self.vote_id}: {self.counts}"
