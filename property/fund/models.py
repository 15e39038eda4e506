"""Maintenance fund (住宅专项维修资金): unit ledgers and requests to use the fund.

Rules (DOMAIN.md §2, MoC/MoF Order 165 (2007), notice 建办房〔2015〕52号):

* Each unit has a ledger (``FundAccount``) of immutable journal entries (``LedgerEntry``): first
  deposit, refill, interest, debit for a project, reversal. A balance is the sum of its entries;
  ``FundAccount.balance`` is a cached copy, updated in the same transaction as the entry under
  ``select_for_update`` and checked by ``manage.py fund_reconcile``. A correction is a
  reversing entry, never an edit: entries refuse update and delete (like the audit log).
* A request (``FundRequest``) to use the fund is an emergency (no owners' vote, reviewed by the
  street office or housing bureau within working days) or an ordinary use / raising of the
  fund (an owners' vote on matter 5 or 6 decides). After the repair its final cost is shared
  by area among the units of its scope (``RequestShare``), publicised, then disbursed and
  debited from every unit's ledger in one transaction.
* The advance paid on approval is a ``Disbursement`` (kind ``advance``): money paid to the
  contractor out of the estate's fund, **not** debited from unit ledgers. At disbursement the
  whole final cost is debited from the unit ledgers (their shares) and the ``settlement``
  disbursement pays the rest (final cost − advance). Until then the advance is shown as
  "paid in advance, to be settled" against the estate's total.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.appendonly import AppendOnlyError, AppendOnlyModel  # noqa: F401 (re-exported)
from portal.core.objections import ObjectionBase
from portal.core.uploads import PrivateUploadTo, private_storage
from portal.organisations.models import Organisation
from property.registry.models import Building, Estate, Unit

MONEY = {"max_digits": 14, "decimal_places": 2}


# ---- unit ledgers -----------------------------------------------------------------------


class FundAccount(models.Model):
    """A unit's ledger (分户账). ``balance`` caches the sum of its entries (see module doc)."""

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="fund_account", verbose_name=_("unit")
    )
    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="fund_accounts", verbose_name=_("estate")
    )
    first_deposit = models.DecimalField(_("first deposit"), default=Decimal("0.00"), **MONEY)
    balance = models.DecimalField(_("balance"), default=Decimal("0.00"), **MONEY)
    refill_due = models.BooleanField(_("refill due"), default=False, db_index=True)
    refill_notified_at = models.DateTimeField(_("refill notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit fund ledger")
        verbose_name_plural = _("unit fund ledgers")
        ordering = ["estate", "unit__code"]

    def __str__(self):
        return str(self.unit)

    @property
    def governing_node(self):
        return self.estate.jurisdiction


class EntryKind(models.TextChoices):
    DEPOSIT = "deposit", _("First deposit")
    REFILL = "refill", _("Refill")
    INTEREST = "interest", _("Interest")
    DEBIT = "debit", _("Debit for a project")
    REVERSAL = "reversal", _("Reversal")
    # Shared revenue of common parts transferred into the fund (property.revenue), by area.
    REVENUE = "revenue", _("Shared revenue transferred in")


class LedgerEntry(AppendOnlyModel):
    """One immutable movement on a unit's ledger: positive in, negative out (yuan, 2 places)."""

    account = models.ForeignKey(
        FundAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("ledger")
    )
    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="+", verbose_name=_("estate")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now, db_index=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    request = models.ForeignKey(
        "FundRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("project"),
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )

    append_only_message = "Fund journal entries are immutable; post a reversal instead."

    class Meta:
        verbose_name = _("fund journal entry")
        verbose_name_plural = _("fund journal entries")
        ordering = ["booked_at", "id"]
        indexes = [models.Index(fields=["estate", "kind"])]
        constraints = [
            # A unit is debited for a project at most once (the double-debit guard in the DB).
            models.UniqueConstraint(
                fields=["account", "request"],
                condition=Q(kind="debit"),
                name="one_debit_per_unit_and_project",
            )
        ]

    def __str__(self):
        return f"{self.account} {self.get_kind_display()} {self.amount}"

    @property
    def governing_node(self):
        return self.estate.jurisdiction


# ---- requests to use the fund ------------------------------------------------------------


class RequestKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency use")
    USE = "use", _("Ordinary use (owners' vote, matter 5)")
    RAISE = "raise", _("Raising the fund (owners' vote, matter 6)")


class Category(models.TextChoices):
    """Emergencies that need no owners' vote (Order 165 Art. 24; 建办房〔2015〕52号)."""

    ELEVATOR = "elevator", _("Elevator fault endangering safety")
    FIRE = "fire", _("Fire-safety facility failure")
    LEAK = "leak", _("Roof or exterior-wall leak")
    PUMP = "pump", _("Secondary water-supply pump failure")
    DRAIN = "drain", _("Drain blockage or burst")
    FACADE = "facade", _("Exterior wall at risk of falling")


class Scope(models.TextChoices):
    ESTATE = "estate", _("Whole estate")
    BUILDING = "building", _("One building")
    STAIRWELL = "stairwell", _("One stairwell")
    UNITS = "units", _("Listed units")


class Status(models.TextChoices):
    VOTING = "voting", _("Awaiting the owners' vote")
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ADVANCE_PAID = "advance_paid", _("Advance paid, repair under way")
    ACCEPTED = "accepted", _("Repair accepted")
    PUBLICISED = "publicised", _("Cost publicised")
    DISBURSED = "disbursed", _("Disbursed and debited")


class FundRequest(models.Model):
    """A request to use (or raise) the fund, from filing to the debit of every unit's share."""

    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="fund_requests", verbose_name=_("estate")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=RequestKind.choices, default=RequestKind.EMERGENCY
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, blank=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building"),
    )
    stairwell = models.CharField(_("stairwell"), max_length=10, blank=True)
    units = models.ManyToManyField(
        Unit, blank=True, related_name="fund_requests", verbose_name=_("units in scope")
    )
    estimated_cost = models.DecimalField(_("estimated cost"), **MONEY)
    contractor = models.CharField(_("contractor"), max_length=200)
    applicant = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("applicant"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    review_deadline = models.DateField(_("review deadline"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    deemed_approved = models.BooleanField(_("deemed approved"), default=False)
    # The units whose share of the estimate would take their ledger below zero, as the reviewer
    # saw and confirmed them when approving (unit, balance, committed, share, short; yuan).
    shortfalls_seen = models.JSONField(_("units short, seen at approval"), default=list, blank=True)
    # The owners' vote (matter 5 or 6) deciding an ordinary request (the fund sits above voting
    # in the house, so it may point at it; a vote that decided a request is never deleted).
    vote = models.OneToOneField(
        "voting.Vote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_request",
        db_column="vote_id",
        verbose_name=_("owners' vote"),
    )
    final_cost = models.DecimalField(_("final cost"), null=True, blank=True, **MONEY)
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    publicity_starts = models.DateTimeField(_("publicity starts"), null=True, blank=True)
    publicity_ends = models.DateTimeField(_("publicity ends"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("disbursed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fund use request")
        verbose_name_plural = _("fund use requests")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.estate} · {self.title}"

    @property
    def governing_node(self):
        return self.estate.jurisdiction

    @property
    def is_public(self) -> bool:
        """Publicised projects (and their sharing) are public disclosure."""
        return self.status in (Status.PUBLICISED, Status.DISBURSED)

    def scope_units(self):
        """The units that share the cost: the estate, a building, a stairwell or a list."""
        qs = Unit.objects.filter(estate_id=self.estate_id)
        if self.scope == Scope.BUILDING:
            qs = qs.filter(building_id=self.building_id)
        elif self.scope == Scope.STAIRWELL:
            qs = qs.filter(building_id=self.building_id, stairwell=self.stairwell)
        elif self.scope == Scope.UNITS:
            qs = qs.filter(pk__in=self.units.values("pk"))
        return qs

    def scope_label(self) -> str:
        if self.scope == Scope.BUILDING and self.building:
            return str(self.building)
        if self.scope == Scope.STAIRWELL and self.building:
            return _("%(building)s, stairwell %(stair)s") % {
                "building": self.building,
                "stair": self.stairwell,
            }
        return self.get_scope_display()

    def advance_paid(self) -> Decimal:
        return sum(
            (d.amount for d in self.disbursements.all() if d.kind == DisbursementKind.ADVANCE),
            Decimal("0.00"),
        )


attachment_path = PrivateUploadTo("fund")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    INSPECTION = "inspection", _("Inspection report")
    INVOICE = "invoice", _("Invoice")
    ACCEPTANCE = "acceptance", _("Acceptance report")


class Attachment(models.Model):
    request = models.ForeignKey(
        FundRequest, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def governing_node(self):
        return self.request.governing_node

    @property
    def estate(self):
        return self.request.estate


class RequestShare(models.Model):
    """One unit's share of a project's final cost (apportioned by area, publicised)."""

    request = models.ForeignKey(
        FundRequest, on_delete=models.CASCADE, related_name="shares", verbose_name=_("project")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="fund_shares", verbose_name=_("unit")
    )
    area = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("share"), **MONEY)

    class Meta:
        verbose_name = _("unit share")
        verbose_name_plural = _("unit shares")
        ordering = ["request", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="one_share_per_unit")
        ]

    def __str__(self):
        return f"{self.unit} {self.amount}"


class Objection(ObjectionBase):
    """An owner's objection to a publicised cost or sharing, answered by the reviewing office."""

    request = models.ForeignKey(
        FundRequest, on_delete=models.CASCADE, related_name="objections", verbose_name=_("project")
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["filed_at", "id"]

    def __str__(self):
        return f"{self.request} · {self.filed_at:%Y-%m-%d}"

    @property
    def governing_node(self):
        return self.request.governing_node


class DisbursementKind(models.TextChoices):
    ADVANCE = "advance", _("Advance")
    SETTLEMENT = "settlement", _("Settlement")


class Disbursement(models.Model):
    """Money paid out of the estate's fund to the contractor (see the module doc on advances)."""

    request = models.ForeignKey(
        FundRequest,
        on_delete=models.PROTECT,
        related_name="disbursements",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DisbursementKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_at = models.DateTimeField(_("paid at"), default=timezone.now)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["paid_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="one_disbursement_per_kind")
        ]

    def __str__(self):
        return f"{self.request} {self.get_kind_display()} {self.amount}"
