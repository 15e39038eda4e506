"""Credit rating of property companies: catalogue, records, objections, checklist, survey, ratings.

The scoring rule itself is pure (``property.credit.scoring``); these models hold the data it
reads and the ratings it produces. Domain operations live in ``services.py``; reads in
``selectors.py``. DOMAIN.md section 3.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.objections import ObjectionBase, answer_fields
from portal.core.uploads import PrivateUploadTo, private_storage
from portal.core.words import quarter_label
from portal.organisations.models import Jurisdiction, Organisation, OrgKind
from property.registry.models import Estate, OwnerParty

COMPANY_CHOICES = {"kind": OrgKind.PROPERTY_COMPANY}


class Kind(models.TextChoices):
    GOOD = "good", _("Good record")
    BAD = "bad", _("Bad record")


class AppliesTo(models.TextChoices):
    """Whom a record of a catalogue item counts for (project managers: issue 19 part 3)."""

    COMPANY = "company", _("The company")
    MANAGER = "manager", _("The project manager")
    BOTH = "both", _("The project manager and the company")


class CatalogueItem(models.Model):
    """One kind of record the bureau may give a company (award, violation…), with its points."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=200)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("40"))],
        help_text=_("Always positive: a good record adds them, a bad record subtracts them."),
    )
    validity_days = models.PositiveIntegerField(
        _("validity (days)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(1095)],
        help_text=_("How long the record counts once in effect (1 to 3 years)."),
    )
    serious = models.BooleanField(
        _("serious"),
        default=False,
        help_text=_("A serious bad record in force puts the company on the blacklist."),
    )
    active = models.BooleanField(_("in use"), default=True)
    applies_to = models.CharField(
        _("applies to"),
        max_length=8,
        choices=AppliesTo.choices,
        default=AppliesTo.COMPANY,
        help_text=_("Whose score a record of this item counts for."),
    )
    ban_days = models.PositiveIntegerField(
        _("ban on new estates (days)"),
        default=0,
        validators=[MaxValueValidator(1095)],
        help_text=_(
            "For a bad record about a project manager: how many days from the day it takes "
            "effect the manager may not be assigned to a new estate (0: no ban)."
        ),
    )

    class Meta:
        verbose_name = _("credit catalogue item")
        verbose_name_plural = _("credit catalogue")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="good", serious=True), name="credit_good_item_not_serious"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.description}"

    def clean(self):
        if self.serious and self.kind == Kind.GOOD:
            raise ValidationError({"serious": _("Only a bad record can be serious.")})
        if self.ban_days and (self.kind == Kind.GOOD or self.applies_to == AppliesTo.COMPANY):
            raise ValidationError(
                {"ban_days": _("Only a bad record about a project manager can carry a ban.")}
            )


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("Notice period (open to objection)")
    OBJECTED = "objected", _("Objection under review")
    EFFECTIVE = "effective", _("In effect")
    REVOKED = "revoked", _("Revoked")


class CreditRecord(models.Model):
    """A good or bad record of a company. Points, validity and seriousness are copied from the
    catalogue item when the record is added, so later catalogue edits do not rewrite history."""

    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="credit_records",
        limit_choices_to=COMPANY_CHOICES,
        verbose_name=_("property company"),
    )
    estate = models.ForeignKey(
        Estate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_records",
        verbose_name=_("estate"),
    )
    item = models.ForeignKey(
        CatalogueItem, on_delete=models.PROTECT, related_name="records", verbose_name=_("item")
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, editable=False)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, editable=False)
    validity_days = models.PositiveIntegerField(_("validity (days)"), editable=False)
    serious = models.BooleanField(_("serious"), default=False, editable=False)
    applies_to = models.CharField(
        _("applies to"),
        max_length=8,
        choices=AppliesTo.choices,
        default=AppliesTo.COMPANY,
        editable=False,
    )
    ban_days = models.PositiveIntegerField(
        _("ban on new estates (days)"), default=0, editable=False
    )
    manager = models.ForeignKey(
        "ProjectManager",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("project manager"),
    )
    occurred_on = models.DateField(_("date of the fact"))
    summary = models.TextField(_("what happened"), max_length=2000)
    evidence = models.FileField(
        _("evidence"),
        upload_to=PrivateUploadTo("credit/evidence"),
        storage=private_storage,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    notified_on = models.DateField(_("company notified on"))
    objection_deadline = models.DateField(_("objection deadline"))
    effective = models.DateField(_("in effect from"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["status", "objection_deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="effective") | Q(effective__isnull=False),
                name="credit_effective_has_date",
            )
        ]

    def __str__(self):
        return f"{self.company} · {self.item.code} · {self.occurred_on}"

    @property
    def governing_node(self) -> Jurisdiction:
        """The estate's node when the record concerns one estate, else the company's (the city)."""
        return self.estate.jurisdiction if self.estate_id else self.company.jurisdiction

    @property
    def signed_points(self) -> Decimal:
        return self.points if self.kind == Kind.GOOD else -self.points

    def scoring_status(self) -> str:
        """The status in the pure scoring model: pending and objected records do not count yet."""
        return {
            RecordStatus.EFFECTIVE: "effective",
            RecordStatus.REVOKED: "revoked",
        }.get(self.status, "pending")

    def last_day(self) -> date | None:
        if self.effective is None:
            return None
        return date.fromordinal(self.effective.toordinal() + self.validity_days - 1)


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Under review")
    REJECTED = "rejected", _("Rejected: the record stands")
    ACCEPTED = "accepted", _("Accepted: the record is revoked")


class Objection(ObjectionBase):
    """The company's challenge to a record within its notice window; the bureau rules on it:
    ``answer`` holds the reasons for the decision, ``answered_by`` and ``answered_at`` who
    decided and when."""

    record = models.OneToOneField(
        CreditRecord, on_delete=models.CASCADE, related_name="objection", verbose_name=_("record")
    )
    text = models.TextField(_("reason"), max_length=4000)
    evidence = models.FileField(
        _("evidence"),
        upload_to=PrivateUploadTo("credit/objections"),
        storage=private_storage,
        blank=True,
    )
    status, answer, answered_by, answered_at = answer_fields(
        status_choices=ObjectionStatus,
        answer=_("reasons for the decision"),
        answered_by=_("decided by"),
        answered_at=_("decided on"),
        answer_max_length=4000,
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at", "-id"]

    def __str__(self):
        return f"{self.record} · {self.get_status_display()}"

    @property
    def governing_node(self) -> Jurisdiction:
        return self.record.governing_node


class ChecklistItem(models.Model):
    """One line of the annual basic checklist (the points add up to at most 60)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=200)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("60"))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("basic checklist")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.description}"


class ChecklistEntry(models.Model):
    """The points a company got on one checklist item in one year."""

    company = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="checklist_entries",
        limit_choices_to=COMPANY_CHOICES,
        verbose_name=_("property company"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="entries", verbose_name=_("item")
    )
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("checklist entry")
        verbose_name_plural = _("checklist entries")
        ordering = ["company", "-year", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year", "item"], name="credit_one_entry_per_item_year"
            )
        ]

    def __str__(self):
        return f"{self.company} {self.year} {self.item.code}"

    def clean(self):
        if self.item_id and self.points is not None and self.points > self.item.max_points:
            raise ValidationError(
                {"points": _("At most %(max)s points.") % {"max": self.item.max_points}}
            )

    @property
    def governing_node(self) -> Jurisdiction:
        return self.company.jurisdiction


class SatisfactionAnswer(models.Model):
    """One owner party's answer to the annual satisfaction survey about its estate's company."""

    company = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="satisfaction_answers",
        limit_choices_to=COMPANY_CHOICES,
        verbose_name=_("property company"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="+", verbose_name=_("estate")
    )
    party = models.ForeignKey(
        OwnerParty, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner party")
    )
    satisfied = models.BooleanField(_("satisfied"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year", "party"], name="credit_one_answer_per_party_year"
            )
        ]
        indexes = [models.Index(fields=["company", "year"])]

    def __str__(self):
        return f"{self.company} {self.year} {self.estate}"

    @property
    def governing_node(self) -> Jurisdiction:
        return self.estate.jurisdiction


class Rating(models.Model):
    """A company's score and grade on one date (the daily recompute keeps the history)."""

    company = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="credit_ratings",
        limit_choices_to=COMPANY_CHOICES,
        verbose_name=_("property company"),
    )
    as_of = models.DateField(_("as of"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=3)
    blacklisted = models.BooleanField(_("blacklisted"), default=False)
    supervision = models.CharField(_("supervision"), max_length=10, default="none")
    bad_points_in_force = models.DecimalField(
        _("bad points in force"), max_digits=7, decimal_places=2, default=Decimal("0")
    )
    breakdown = models.JSONField(_("breakdown"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-as_of", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["company", "as_of"], name="credit_one_rating_per_day")
        ]
        indexes = [models.Index(fields=["as_of", "-score"])]

    def __str__(self):
        return f"{self.company} {self.as_of} {self.score} {self.grade}"

    @property
    def governing_node(self) -> Jurisdiction:
        return self.company.jurisdiction


class Publication(models.Model):
    """A quarter's public ranking: the ratings as of ``as_of`` are what /credit/ shows."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    as_of = models.DateField(_("ratings as of"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("published quarter")
        verbose_name_plural = _("published quarters")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="credit_one_publication")
        ]

    def __str__(self):
        return quarter_label(self.year, self.quarter)


# ---- project managers (项目经理; issue 19 part 3, DOMAIN.md section 3) --------------------------


class ProjectManager(models.Model):
    """A person a property company registered as the manager of its estates' service.

    The qualification number is the person's: unique across companies, so records and bans
    follow them when another company registers them (``manager_services.manager_register``).
    ``company`` is the company that registered them last (their employer now).
    """

    name = models.CharField(_("name"), max_length=50)
    qualification_number = models.CharField(
        _("qualification number"),
        max_length=32,
        unique=True,
        help_text=_("The number on the manager's qualification certificate."),
    )
    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="project_managers",
        limit_choices_to=COMPANY_CHOICES,
        verbose_name=_("property company"),
    )
    registered_on = models.DateField(_("registered on"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        verbose_name = _("project manager")
        verbose_name_plural = _("project managers")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def governing_node(self) -> Jurisdiction:
        return self.company.jurisdiction


class ManagerAssignment(models.Model):
    """A manager in charge of one estate for a period (first and last day inclusive; no end
    while it runs). One estate has at most one manager on any day."""

    manager = models.ForeignKey(
        ProjectManager,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("project manager"),
    )
    estate = models.ForeignKey(
        Estate,
        on_delete=models.PROTECT,
        related_name="manager_assignments",
        verbose_name=_("estate"),
    )
    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="manager_assignments",
        limit_choices_to=COMPANY_CHOICES,
        verbose_name=_("property company"),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("manager assignment")
        verbose_name_plural = _("manager assignments")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="credit_assignment_end_after_start",
            )
        ]
        indexes = [models.Index(fields=["estate", "start"])]

    def __str__(self):
        return f"{self.manager} · {self.estate} · {self.start}"

    @property
    def governing_node(self) -> Jurisdiction:
        return self.estate.jurisdiction

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


# ---- complaints (12345 hotline, grid platform) and owners' quarterly ratings (issue 19) ------


class ComplaintTrigger(models.TextChoices):
    OVERDUE = "overdue", _("Tickets not handled in time (bad record)")
    REPEATED = "repeated", _("Substantiated tickets of one category (bad record)")
    CLEAN_QUARTER = "clean_quarter", _("Every ticket handled in time, callers satisfied (good)")


class ComplaintRule(models.Model):
    """A rule the bureau sets in admin: which tickets of a quarter propose which record.

    Evaluated by the pure ``property.credit.complaints.evaluate``; a proposed record goes
    through the ordinary notice and objection flow."""

    name = models.CharField(_("name"), max_length=100)
    trigger = models.CharField(_("trigger"), max_length=20, choices=ComplaintTrigger.choices)
    categories = models.CharField(
        _("categories"),
        max_length=300,
        blank=True,
        help_text=_("Ticket categories the rule looks at, separated by commas; empty = all."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("handling deadline (days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    count = models.PositiveSmallIntegerField(
        _("count"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_(
            "Overdue: at least this many tickets; one category: at least this many "
            "substantiated tickets; good quarter: at least this many tickets."
        ),
    )
    min_satisfied = models.DecimalField(
        _("minimum satisfied share"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Good quarter only: share of answering callers who were satisfied (0-1)."),
    )
    item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.PROTECT,
        related_name="complaint_rules",
        verbose_name=_("record proposed"),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("complaint rule")
        verbose_name_plural = _("complaint rules")
        ordering = ["trigger", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        good = self.trigger == ComplaintTrigger.CLEAN_QUARTER
        if self.item_id and (self.item.kind == Kind.GOOD) != good:
            raise ValidationError(
                {"item": _("A good quarter proposes a good record; the others a bad one.")}
            )

    def category_set(self) -> frozenset[str]:
        parts = self.categories.replace("，", ",").replace("、", ",").split(",")
        return frozenset(p.strip() for p in parts if p.strip())


class ComplaintBatch(models.Model):
    """One intake of tickets (a file import or an API call): who, when, what it loaded."""

    source = models.CharField(_("source"), max_length=10, default="file")
    filename = models.CharField(_("file"), max_length=200, blank=True)
    created = models.PositiveIntegerField(_("tickets added"), default=0)
    duplicates = models.JSONField(_("duplicate ticket numbers"), default=list)
    unmatched = models.PositiveIntegerField(_("tickets without estate"), default=0)
    node = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported at")
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint import")
        verbose_name_plural = _("complaint imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.source} {self.imported_at:%Y-%m-%d %H:%M} +{self.created}"

    @property
    def governing_node(self) -> Jurisdiction:
        return self.node


class TicketResult(models.TextChoices):
    OPEN = "", _("Open")
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVED = "unresolved", _("Unresolved")
    UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")


class CallerSatisfaction(models.TextChoices):
    UNKNOWN = "", _("Not answered")
    SATISFIED = "satisfied", _("Satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ComplaintTicket(models.Model):
    """A hotline or grid ticket about a property company. No caller's name or phone is kept;
    phone and identity numbers in the text are masked on intake; the address is kept only
    until the ticket is matched to an estate."""

    number = models.CharField(_("ticket number"), max_length=40, unique=True)
    received_at = models.DateTimeField(_("received at"))
    estate = models.ForeignKey(
        Estate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_tickets",
        verbose_name=_("estate"),
    )
    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_tickets",
        limit_choices_to=COMPANY_CHOICES,
        verbose_name=_("property company"),
    )
    company_name = models.CharField(_("company as given"), max_length=200, blank=True)
    address = models.CharField(_("address as given"), max_length=200, blank=True)
    node = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("The estate's node, or where an unmatched ticket waits to be assigned."),
    )
    category = models.CharField(_("category"), max_length=50)
    text = models.TextField(_("complaint"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=20, choices=TicketResult.choices, blank=True, default=""
    )
    satisfaction = models.CharField(
        _("caller satisfaction"),
        max_length=20,
        choices=CallerSatisfaction.choices,
        blank=True,
        default="",
    )
    batch = models.ForeignKey(
        ComplaintBatch, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("import")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    class Meta:
        verbose_name = _("complaint ticket")
        verbose_name_plural = _("complaint tickets")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["company", "received_at"]),
            models.Index(fields=["estate", "received_at"]),
        ]

    def __str__(self):
        return self.number

    @property
    def governing_node(self) -> Jurisdiction:
        return self.node


class ComplaintProposal(models.Model):
    """A record a complaint rule proposed, once per rule, company, estate, category, quarter."""

    rule = models.ForeignKey(
        ComplaintRule, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("rule")
    )
    record = models.OneToOneField(
        CreditRecord,
        on_delete=models.PROTECT,
        related_name="complaint_proposal",
        verbose_name=_("record"),
    )
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    category = models.CharField(_("category"), max_length=50, blank=True)
    tickets = models.JSONField(_("tickets"), default=list)
    conditions = models.JSONField(_("conditions"), default=list)

    class Meta:
        verbose_name = _("complaint proposal")
        verbose_name_plural = _("complaint proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "estate", "year", "quarter", "category"],
                name="credit_one_proposal_per_rule_quarter",
            )
        ]

    def __str__(self):
        return f"{self.rule} {quarter_label(self.year, self.quarter)} {self.estate_id}"


class OwnerRating(models.Model):
    """An owner party's star rating of its estate's company for one quarter."""

    company = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="owner_ratings",
        limit_choices_to=COMPANY_CHOICES,
        verbose_name=_("property company"),
    )
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="+", verbose_name=_("estate")
    )
    party = models.ForeignKey(
        OwnerParty, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner party")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reason = models.CharField(_("reason"), max_length=200)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("owner rating")
        verbose_name_plural = _("owner ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "year", "quarter"], name="credit_one_rating_per_party_quarter"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="credit_rating_stars_1_5"
            ),
        ]
        indexes = [models.Index(fields=["company", "year", "quarter"])]

    def __str__(self):
        return f"{self.company} {quarter_label(self.year, self.quarter)} {self.stars}"

    @property
    def governing_node(self) -> Jurisdiction:
        return self.estate.jurisdiction
