"""Signals of the ground floor, which any layer may send without importing the layer above.

``estate_figures_changed``: a write changed figures of whole estates that the dashboards keep
materialised (units and their areas, who holds them, verified owners, fund ledgers) by a path
that sends no model signal (``bulk_create``, ``bulk_update``, ``QuerySet.update``, raw SQL).
Sent inside the writer's transaction with ``estate_ids``: ids, or a queryset of ids. The
dashboards mark those estates' materialised figures stale (``portal.dashboards.figures``).
"""

from __future__ import annotations

from django.dispatch import Signal

estate_figures_changed = Signal()


def figures_changed(sender, estate_ids) -> None:
    """Tell the readers of materialised figures that ``estate_ids`` changed."""
    estate_figures_changed.send(sender=sender, estate_ids=estate_ids)
