"""Append-only tables: rows are written once and never updated or deleted.

The audit log (``portal.audit``), the fund journal (``property.fund``) and the shared revenue
journal (``property.revenue``) subclass :class:`AppendOnlyModel`; its queryset refuses
``update``, ``delete`` and ``bulk_update``, and the model refuses to save an existing row or to
delete one. Each model says why in ``append_only_message`` (a correction is a new row, such as
a reversal).
"""

from __future__ import annotations

from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a row of an append-only table."""


def _refuse(model) -> None:
    raise AppendOnlyError(
        getattr(model, "append_only_message", AppendOnlyModel.append_only_message)
    )


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset that inserts and reads only."""

    def update(self, **kwargs):
        _refuse(self.model)

    def delete(self):
        _refuse(self.model)

    _raw_delete = delete

    def bulk_update(self, *args, **kwargs):
        _refuse(self.model)


class AppendOnlyModel(models.Model):
    """A row saved once: saving it again or deleting it raises :class:`AppendOnlyError`."""

    append_only_message = "This table is append-only."

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self))
