"""Background work of the dashboards (django-q2), declared in ``portal.core.schedules``:
``refresh_stale_figures`` every minute, ``refresh_all_figures`` nightly (a backstop)."""

from __future__ import annotations

from .services import counted_vote_ballots_refresh, estate_figures_refresh


def refresh_stale_figures() -> int:
    counted_vote_ballots_refresh()
    return estate_figures_refresh()


def refresh_all_figures() -> int:
    return estate_figures_refresh(everything=True)
