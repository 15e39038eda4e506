"""Shared revenue of common parts (公共收益): a ledger per estate (DOMAIN.md §2a).

* ``RevenueEntry`` is an immutable journal entry of an estate's ledger, signed yuan to the fen:
  income (+, with its category, counterparty or contract, period month and voucher scan), the
  company's agreed cost share (−), an expense the owners decided by a vote (−), a transfer
  into the maintenance fund (−, credited to every unit's fund ledger by area), and reversals
  (the exact opposite of an entry). Entries refuse update and delete like the fund's journal;
  a correction is a reversal, never an edit. A balance is the sum of the entries.
* ``RevenueSettings`` is one per estate: who enters the ledger (the property company, or the
  owners' committee where the assembly manages the revenue itself) and the company's agreed
  cost share in percent, set by the committee.
* ``MonthFiling`` says the entries of a month are complete (due by the 10th of the next).
* ``Statement`` is a half-year's statement as published (its figures frozen), posted in the
  estate for at least ``REVENUE_POSTING_DAYS``.
* ``EntryObjection`` is an owner's objection to an entry, answered by the committee.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.appendonly import AppendOnlyError, AppendOnlyModel  # noqa: F401 (re-exported)
from portal.core.objections import ObjectionBase
from portal.core.uploads import PrivateUploadTo, private_storage
from property.registry.models import Estate

MONEY = {"max_digits": 14, "decimal_places": 2}


class ManagedBy(models.TextChoices):
    COMPANY = "company", _("The property company")
    COMMITTEE = "committee", _("The owners' committee (the assembly manages it itself)")


class RevenueSettings(models.Model):
    """Per-estate settings of the shared revenue, set by the owners' committee."""

    estate = models.OneToOneField(
        Estate, on_delete=models.PROTECT, related_name="revenue_settings", verbose_name=_("estate")
    )
    managed_by = models.CharField(
        _("who enters the ledger"),
        max_length=10,
        choices=ManagedBy.choices,
        default=ManagedBy.COMPANY,
    )
    cost_share_percent = models.DecimalField(
        _("company's agreed cost share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the company enters its costs one by one."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("shared revenue settings")
        verbose_name_plural = _("shared revenue settings")

    def __str__(self):
        return str(self.estate)

    @property
    def governing_node(self):
        return self.estate.jurisdiction


class EntryKind(models.TextChoices):
    INCOME = "income", _("Income")
    COST = "cost", _("Company's cost share")
    EXPENSE = "expense", _("Expense decided by the owners")
    TRANSFER = "transfer", _("Transfer into the maintenance fund")
    REVERSAL = "reversal", _("Reversal")


class Category(models.TextChoices):
    PARKING = "parking", _("Parking")
    ADVERTISING = "advertising", _("Advertising")
    RENT = "rent", _("Rent of common rooms")
    TELECOM = "telecom", _("Telecom sites")
    OTHER = "other", _("Other")


voucher_path = PrivateUploadTo("revenue")


class RevenueEntry(AppendOnlyModel):
    """One immutable movement of an estate's shared revenue: positive in, negative out."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="revenue_entries", verbose_name=_("estate")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    period = models.DateField(_("month"), help_text=_("The first day of the month it belongs to."))
    amount = models.DecimalField(_("amount"), **MONEY)
    counterparty = models.CharField(_("counterparty or contract"), max_length=200, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    vote = models.ForeignKey(
        "voting.Vote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owners' vote"),
    )
    voucher = models.FileField(
        _("voucher"), upload_to=voucher_path, storage=private_storage, blank=True
    )
    voucher_name = models.CharField(_("voucher file name"), max_length=200, blank=True)
    voucher_type = models.CharField(max_length=60, blank=True)
    source = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cost_shares",
        verbose_name=_("income it is the cost share of"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )

    append_only_message = "Revenue journal entries are immutable; post a reversal instead."

    class Meta:
        verbose_name = _("shared revenue entry")
        verbose_name_plural = _("shared revenue entries")
        ordering = ["period", "booked_at", "id"]
        indexes = [models.Index(fields=["estate", "period"])]

    def __str__(self):
        return f"{self.estate} {self.period:%Y-%m} {self.get_kind_display()} {self.amount}"

    @property
    def governing_node(self):
        return self.estate.jurisdiction

    def describe(self) -> str:
        """What the entry is, in one line: kind (and category)."""
        if self.kind == EntryKind.INCOME and self.category:
            return f"{self.get_kind_display()} · {self.get_category_display()}"
        return str(self.get_kind_display())


class MonthFiling(models.Model):
    """The entries of ``period`` are complete (filed by the 10th of the next month)."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="revenue_filings", verbose_name=_("estate")
    )
    period = models.DateField(_("month"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(_("filed late"), default=False)

    class Meta:
        verbose_name = _("month filed")
        verbose_name_plural = _("months filed")
        ordering = ["estate", "period"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "period"], name="one_filing_per_month")
        ]

    def __str__(self):
        return f"{self.estate} {self.period:%Y-%m}"

    @property
    def governing_node(self):
        return self.estate.jurisdiction


class Statement(models.Model):
    """A half-year's statement as published, posted in the estate until ``posted_until``."""

    estate = models.ForeignKey(
        Estate,
        on_delete=models.PROTECT,
        related_name="revenue_statements",
        verbose_name=_("estate"),
    )
    period = models.CharField(_("half-year"), max_length=7)  # "2026H1"
    figures = models.JSONField(_("figures"), default=dict)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    posted_until = models.DateTimeField(_("posted until"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("shared revenue statement")
        verbose_name_plural = _("shared revenue statements")
        ordering = ["-period", "estate"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "period"], name="one_statement_per_half")
        ]

    def __str__(self):
        return f"{self.estate} {self.period}"

    @property
    def governing_node(self):
        return self.estate.jurisdiction

    def is_posted(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published_at <= now <= self.posted_until


class EntryObjection(ObjectionBase):
    """An owner's objection to an entry, answered by the owners' committee by ``answer_due``."""

    entry = models.ForeignKey(
        RevenueEntry,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("entry"),
    )
    answer_due = models.DateField(_("answer due by"))

    class Meta:
        verbose_name = _("objection to a revenue entry")
        verbose_name_plural = _("objections to revenue entries")
        ordering = ["filed_at", "id"]

    def __str__(self):
        return f"{self.entry} · {self.filed_at:%Y-%m-%d}"

    @property
    def estate(self):
        return self.entry.estate

    @property
    def governing_node(self):
        return self.entry.estate.jurisdiction
