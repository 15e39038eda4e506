"""The shared shape of an objection and the shared steps of its flow.

Four apps let a person object to something published and have an office or committee answer
or rule on it: a fund project's cost sharing (``property.fund``), a credit record
(``property.credit``), a vote's result (``voting``) and a shared revenue entry
(``property.revenue``). Each model subclasses :class:`ObjectionBase` and adds what differs by
domain: the object objected to (a foreign key), its own statuses, credit's evidence file,
revenue's answer due date. Each app's services call the steps below, raising the app's own
``DomainError`` subclass, then add their own locks, audit events and notices.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.errors import DomainError


class ObjectionStatus(models.TextChoices):
    """The statuses of an objection that is answered (the fund's, the shared revenue's);
    objections that are ruled on (votes, credit records) have their own choices."""

    OPEN = "open", pgettext_lazy("objection status", "Open")
    ANSWERED = "answered", pgettext_lazy("objection status", "Answered")


OPEN = ObjectionStatus.OPEN


def answer_fields(
    *,
    status_choices: type[models.TextChoices] = ObjectionStatus,
    answer: str = _("answer"),
    answered_by: str = _("answered by"),
    answered_at: str = _("answered at"),
    answer_max_length: int | None = None,
):
    """The four fields of an objection's answer or ruling, as ``(status, answer, answered_by,
    answered_at)``: :class:`ObjectionBase` declares them with the defaults; a model whose
    objections are ruled on rather than answered declares them again from here with its own
    status choices (``"open"`` stays the status awaiting the answer or ruling), labels and limit
    on the answer's length, so the fields keep one definition::

        status, answer, answered_by, answered_at = answer_fields(
            status_choices=RulingStatus, answered_by=_("ruled by"), ...
        )

    Labels, choices and the limit are not stored by the database: changing them gives an
    ``AlterField`` migration without a change of the schema."""
    return (
        models.CharField(
            _("status"),
            max_length=10,
            choices=status_choices.choices,
            default=status_choices("open"),
        ),
        models.TextField(answer, blank=True, max_length=answer_max_length),
        models.ForeignKey(
            settings.AUTH_USER_MODEL,
            on_delete=models.PROTECT,
            null=True,
            blank=True,
            related_name="+",
            verbose_name=answered_by,
        ),
        models.DateTimeField(answered_at, null=True, blank=True),
    )


class ObjectionBase(models.Model):
    """Who objected, what they wrote and when; the answer or ruling, by whom and when.

    Subclasses name the object objected to and define ``governing_node`` (the jurisdiction
    whose officers see and answer it); one whose objections are ruled on redeclares the answer's
    four fields with :func:`answer_fields` (its statuses and labels), nothing else."""

    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    status, answer, answered_by, answered_at = answer_fields()

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        """Still awaiting its answer or ruling."""
        return self.status == OPEN

    @property
    def governing_node(self):
        raise NotImplementedError


def objection_clean_text(
    text: str,
    *,
    error: type[DomainError],
    empty: str,
    too_long: str | None = None,
    limit: int | None = None,
    field: str | None = "text",
    empty_code: str = "text",
) -> str:
    """The objection's (or the answer's) text, stripped; ``error`` with ``empty`` when blank,
    with ``too_long`` (``%(limit)d`` filled in) when longer than ``limit`` characters."""
    text = (text or "").strip()
    if not text:
        raise error(empty, code=empty_code, field=field)
    if limit is not None and len(text) > limit:
        raise error((too_long or empty) % {"limit": limit}, code="too_long", field=field)
    return text


def objection_check_window(
    *, now, ends, error: type[DomainError], message: str, inclusive: bool = True
) -> None:
    """Refuse a filing after its window: ``now`` later than ``ends`` (or, when not
    ``inclusive``, at ``ends`` itself), both moments or both days."""
    if now > ends or (not inclusive and now == ends):
        raise error(message, code="late")


def objection_require_open(
    objection: ObjectionBase, *, error: type[DomainError], message: str, code: str = "answered"
) -> None:
    """Refuse a second answer or ruling: the objection (locked by the caller) must be open."""
    if not objection.is_open:
        raise error(message, code=code)


def objection_record_answer(
    objection: ObjectionBase, *, actor, answer: str, status: str, at: datetime
) -> None:
    """Write the answer or ruling once, with who gave it and when.

    Preconditions: the objection is locked and open (:func:`objection_require_open`)."""
    objection.status = status
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_at = at
    objection.save(update_fields=["status", "answer", "answered_by", "answered_at"])
