"""City generator, layer 5 (dashboards): the materialised estate figures of the whole city
and the ballots by channel of every counted vote,
computed once the ledgers are loaded, as the worker's refresh would (docs/city.md)."""

from __future__ import annotations

from portal.core.city import CityContext

from .models import EstateFigures
from .services import counted_vote_ballots_refresh, estate_figures_refresh


def build(ctx: CityContext) -> None:
    bar = ctx.progress("dashboard figures", 1)
    estate_figures_refresh()
    counted_vote_ballots_refresh()
    bar.update()
    bar.close()
    assert not EstateFigures.objects.filter(stale=True).exists()
