"""The registry: estates, buildings, units, owner parties, persons and ownership history.

Counting rules (DOMAIN.md §1, SPC interpretation 2009 No.7 Art. 8-9): a unit's area is its
exclusive-part area (registered, else surveyed, else contract); an **owner party** is one person
or the co-owners of a unit together; the developer is one party holding its unsold units; heads
are distinct parties. The selectors in ``property.registry.selectors`` compute the figures.

The official holiday calendar (``Holiday``) lives here too, below the fund and the credit
rating, so that both count working days on the same data (``property.registry.calendar``).
"""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from stdnum.cn import ric

from portal.core.crypto import decrypt_text, encrypt_text, keyed_hash
from portal.core.uploads import PrivateUploadTo, private_storage
from portal.organisations.models import Jurisdiction, Organisation, OrgKind


class Estate(models.Model):
    """One managed area (物业管理区域): the unit of voting and of the fund."""

    jurisdiction = models.OneToOneField(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="estate",
        verbose_name=_("jurisdiction node"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    company = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_estates",
        limit_choices_to={"kind": OrgKind.PROPERTY_COMPANY},
        verbose_name=_("property company"),
    )
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    assembly_holds_fund = models.BooleanField(
        _("owners' assembly holds the fund"),
        default=False,
        help_text=_("If set, the owners' committee applies for emergency use of the fund."),
    )
    # Raised by every registry import: an import checked against an older registry is refused
    # (two imports of the same units at once, services.registry_import).
    registry_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def governing_node(self) -> Jurisdiction:
        return self.jurisdiction

    def owners_committee(self) -> Organisation | None:
        return Organisation.objects.filter(
            kind=OrgKind.OWNERS_COMMITTEE, jurisdiction_id=self.jurisdiction_id
        ).first()


class Building(models.Model):
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("estate")
    )
    code = models.CharField(_("building"), max_length=20)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "code"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "code"], name="unique_building_code")
        ]

    def __str__(self):
        return self.name or self.code

    @property
    def governing_node(self):
        return self.estate.jurisdiction


class UnitUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    PARKING = "parking", _("Parking")


class AreaSource(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SURVEYED = "surveyed", _("Surveyed")
    CONTRACT = "contract", _("Contract")


class Unit(models.Model):
    """An owned flat, shop or garage, with its exclusive-part area in m² (2 places)."""

    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="units", verbose_name=_("estate")
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="units", verbose_name=_("building")
    )
    code = models.CharField(
        _("unit code"), max_length=30, help_text=_("Building-stairwell-room, e.g. 3-2-1501")
    )
    stairwell = models.CharField(_("stairwell"), max_length=10, blank=True)
    use = models.CharField(
        _("use"), max_length=12, choices=UnitUse.choices, default=UnitUse.RESIDENTIAL
    )
    area = models.DecimalField(
        _("exclusive-part area (m²)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    area_source = models.CharField(
        _("area source"), max_length=12, choices=AreaSource.choices, default=AreaSource.REGISTERED
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["estate", "code"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "code"], name="unique_unit_code"),
            models.CheckConstraint(condition=Q(area__gt=0), name="unit_area_positive"),
        ]

    def __str__(self):
        return self.code

    @property
    def governing_node(self):
        return self.estate.jurisdiction


# No one born earlier holds property today; later than today is impossible.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def identity_number_problem(value: str) -> str | None:
    """Why ``value`` is not a mainland resident identity card number (GB 11643), or None.

    python-stdnum checks length, digits, the ISO 7064 check digit, the birth date (a real
    date) and the 6-digit region code; the birth date must also lie between
    ``EARLIEST_BIRTH_DATE`` and today ("birth_date", "birth_future"). stdnum's full ``validate`` also refuses a region code that did not
    exist in the holder's birth year, which rejects genuine numbers (people born before a
    district was created were given its code later), so the region is only required to be a
    code stdnum knows at some time.
    """
    from stdnum import numdb
    from stdnum.cn import ric

    number = ric.compact(value or "")
    if len(number) != 18:
        return "length"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "format"
    if number[-1] != ric.calc_check_digit(number):
        return "checksum"
    try:
        born = ric.get_birth_date(number)
    except Exception:  # stdnum raises InvalidComponent
        return "birth_date"
    if born > timezone.localdate():
        return "birth_future"
    if born < EARLIEST_BIRTH_DATE:
        return "birth_date"
    if not any(props.get("county") for _part, props in numdb.get("cn/loc").info(number[:6])):
        return "region"
    return None


def validate_identity_number(value: str) -> str:
    """Mainland resident identity card number (GB 11643) with its check digit; returns the
    compact form (upper-case X)."""
    if identity_number_problem(value):
        raise ValidationError(
            _("This is not a valid identity card number."), code="invalid_identity"
        )
    return ric.compact(value)


def mask_identity(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "****"


# ---- real-estate certificate numbers (不动产权证书号) --------------------------------------

CERTIFICATE_MIN_CHARS = 6
CERTIFICATE_MAX_CHARS = 60


def compact_certificate(value: str) -> str:
    """The form a certificate number is stored and compared in: full-width characters made
    half-width (NFKC: （２０２３） becomes (2023)), spaces removed, Latin letters upper-case."""
    import unicodedata

    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()


def certificate_problem(value: str) -> str | None:
    """Why ``value`` is not a plausible real-estate certificate number, or None. The formats of
    the provinces differ (浙(2023)杭州市不动产权第0123456号, older 房权证 numbers…), so only
    the length, a digit and plain characters are required."""
    number = compact_certificate(value)
    if not number:
        return "empty"
    if not CERTIFICATE_MIN_CHARS <= len(number) <= CERTIFICATE_MAX_CHARS:
        return "length"
    if not any(ch.isdigit() for ch in number):
        return "format"
    if "*" in number or any(not ch.isprintable() for ch in number):
        return "format"
    return None


def validate_certificate_number(value: str) -> str:
    """A certificate number in its compact form, or ValidationError."""
    if certificate_problem(value):
        raise ValidationError(
            _("This is not a valid real-estate certificate number."), code="invalid_certificate"
        )
    return compact_certificate(value)


def mask_certificate(number: str) -> str:
    """The certificate number as pages show it: the serial digits (the last run of digits)
    hidden but their last three; a number without such a run keeps only its ends."""
    runs = list(re.finditer(r"\d{4,}", number))
    if runs:
        run = runs[-1]
        hidden = "*" * (len(run.group()) - 3) + run.group()[-3:]
        return number[: run.start()] + hidden + number[run.end() :]
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def certificate_hash(number: str) -> str:
    return keyed_hash(compact_certificate(number), purpose="certificate")


class PersonQuerySet(models.QuerySet):
    def by_identity(self, number: str):
        return self.filter(identity_hash=keyed_hash(ric.compact(number)))


class Person(models.Model):
    """A natural person known to the registry. The identity number is stored only encrypted
    (``identity_encrypted``) with a keyed hash for look-up and a masked form for display."""

    name = models.CharField(_("name"), max_length=60)
    identity_encrypted = models.TextField(_("identity number (encrypted)"), editable=False)
    identity_hash = models.CharField(max_length=64, unique=True, editable=False)
    identity_masked = models.CharField(_("identity number"), max_length=18, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The owner allowed the committee and the street office to see their phone on a vote's
    # canvass list (to call or visit about a vote), and when; empty: never shown.
    contact_allowed_at = models.DateTimeField(
        _("contact shown for canvassing since"), null=True, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("portal account"),
        help_text=_("Set when the person's ownership claim is verified."),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):
        return f"{self.name} ({self.identity_masked})"

    def set_identity(self, number: str) -> None:
        number = validate_identity_number(number)
        self.identity_encrypted = encrypt_text(number)
        self.identity_hash = keyed_hash(number)
        self.identity_masked = mask_identity(number)

    def identity_number(self) -> str:
        return decrypt_text(self.identity_encrypted)


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    CO_OWNERS = "co_owners", _("Co-owners")
    DEVELOPER = "developer", _("Developer")
    ORGANISATION = "organisation", _("Organisation")


class OwnerParty(models.Model):
    """One head in an estate's vote: a person, co-owners together, or the developer."""

    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="parties", verbose_name=_("estate")
    )
    kind = models.CharField(
        _("kind"), max_length=14, choices=PartyKind.choices, default=PartyKind.PERSON
    )
    label = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(
        Person, related_name="parties", blank=True, verbose_name=_("members")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parties",
        verbose_name=_("organisation"),
    )
    key = models.CharField(
        max_length=64,
        editable=False,
        help_text="Identity of the party within its estate: the sorted members' hashes, or the developer.",
    )

    class Meta:
        verbose_name = _("owner party")
        verbose_name_plural = _("owner parties")
        constraints = [
            models.UniqueConstraint(fields=["estate", "key"], name="unique_party_per_estate")
        ]

    def __str__(self):
        return self.label

    @property
    def governing_node(self):
        return self.estate.jurisdiction

    @staticmethod
    def key_for(*, identity_hashes=(), developer: bool = False, organisation_id=None) -> str:
        import hashlib

        if developer:
            return "developer"
        if organisation_id:
            return f"org-{organisation_id}"
        return hashlib.sha256("|".join(sorted(identity_hashes)).encode()).hexdigest()


class Ownership(models.Model):
    """Who held which unit from when to when; ``end`` is empty for the current holder."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("unit")
    )
    party = models.ForeignKey(
        OwnerParty, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("party")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    # The real-estate certificate of this ownership (不动产权证书号): one per holding of the
    # unit (co-owners share it; a sale issues a new one), stored like an identity number.
    certificate_encrypted = models.TextField(blank=True, editable=False)
    certificate_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    certificate_masked = models.CharField(
        _("certificate number"), max_length=CERTIFICATE_MAX_CHARS, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        ordering = ["unit", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(end__isnull=True), name="one_current_owner_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.party}"

    def set_certificate(self, number: str) -> None:
        number = validate_certificate_number(number)
        self.certificate_encrypted = encrypt_text(number)
        self.certificate_hash = certificate_hash(number)
        self.certificate_masked = mask_certificate(number)

    def certificate_number(self) -> str:
        return decrypt_text(self.certificate_encrypted) if self.certificate_encrypted else ""


claim_proof_path = PrivateUploadTo("claims")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("ownership claim status", "Pending")
    VERIFIED = "verified", pgettext_lazy("ownership claim status", "Verified")
    REJECTED = "rejected", pgettext_lazy("ownership claim status", "Rejected")
    REVOKED = "revoked", pgettext_lazy("ownership claim status", "Revoked after a dispute")


class OwnerClaim(models.Model):
    """A signed-in resident's claim to own one or more units of an estate.

    The owners' committee or the property company of the estate verifies it against the
    registry (the claimed identity, by keyed hash, must belong to the current holder of every
    claimed unit) or rejects it with a reason. The identity number is stored like a Person's:
    encrypted, with a keyed hash and a masked form, never in clear.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="owner_claims",
        verbose_name=_("account"),
    )
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="claims", verbose_name=_("estate")
    )
    units = models.ManyToManyField(Unit, related_name="claims", verbose_name=_("units"))
    name = models.CharField(_("name"), max_length=60)
    identity_encrypted = models.TextField(editable=False)
    identity_hash = models.CharField(max_length=64, editable=False, db_index=True)
    identity_masked = models.CharField(_("identity number"), max_length=18, editable=False)
    proof = models.FileField(
        _("proof of ownership"),
        upload_to=claim_proof_path,
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    # The certificate number the claimant gave (optional), stored like the identity number.
    certificate_encrypted = models.TextField(blank=True, editable=False)
    certificate_hash = models.CharField(max_length=64, blank=True, editable=False)
    certificate_masked = models.CharField(
        _("certificate number"), max_length=CERTIFICATE_MAX_CHARS, blank=True, editable=False
    )
    # What the instant check against the registry found (``instant.Outcome``): "verified", or
    # why the claim went to manual review. Shown to the reviewers, never to the claimant.
    instant_outcome = models.CharField(max_length=20, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("registry person"),
        help_text=_("The registry person the claim was verified as."),
    )
    reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("ownership claim")
        verbose_name_plural = _("ownership claims")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.estate}"

    @property
    def governing_node(self):
        return self.estate.jurisdiction

    def set_identity(self, number: str) -> None:
        number = validate_identity_number(number)
        self.identity_encrypted = encrypt_text(number)
        self.identity_hash = keyed_hash(number)
        self.identity_masked = mask_identity(number)

    def set_certificate(self, number: str) -> None:
        number = validate_certificate_number(number)
        self.certificate_encrypted = encrypt_text(number)
        self.certificate_hash = certificate_hash(number)
        self.certificate_masked = mask_certificate(number)

    def registry_match(self) -> Person | None:
        """The registry person with the claimed identity who is a member of the current holder
        of every claimed unit, or None when the claim does not match the registry."""
        person = Person.objects.filter(identity_hash=self.identity_hash).first()
        if person is None:
            return None
        units = list(self.units.all())
        if not units:
            return None
        held = Ownership.objects.filter(
            unit__in=units, end__isnull=True, party__members=person
        ).count()
        return person if held == len(units) else None


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the street office")
    UPHELD = "upheld", _("Upheld: verification revoked")
    DISMISSED = "dismissed", _("Dismissed: verification stands")


#: A dispute in these states suspends the account's ballots (``selectors.suspended_accounts``).
SUSPENDING = (DisputeStatus.OPEN, DisputeStatus.UPHELD)


class DisputeChannel(models.TextChoices):
    CONTACT = "contact", _("Link sent to the registered contact")
    CO_OWNER = "co_owner", _("Co-owner of the units")


class ClaimDispute(models.Model):
    """The registered owner disputes a verification (DOMAIN.md §1 "Conflicts of interest").

    Filed from the link sent to the registry's contact for the units, or by a verified co-owner
    of them. While it is open (and for good once it is upheld) the verified account is
    *suspended*: it cannot cast, and its ballots in a vote that closes meanwhile do not count
    (``voting.services.vote_close``). The street office governing the estate decides; upheld,
    the verification is revoked (the account is unlinked from the registry person); dismissed,
    the suspension ends. ``account`` repeats ``claim.user`` for the suspension look-up.
    """

    claim = models.ForeignKey(
        OwnerClaim, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("claim")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claim_disputes",
        verbose_name=_("disputed account"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    channel = models.CharField(_("filed through"), max_length=10, choices=DisputeChannel.choices)
    statement = models.TextField(_("statement"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("verification dispute")
        verbose_name_plural = _("verification disputes")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["account", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"], condition=Q(status="open"), name="one_open_dispute_per_claim"
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.claim_id}"

    @property
    def governing_node(self):
        return self.claim.estate.jurisdiction

    @property
    def estate(self):
        return self.claim.estate


# ---- the holiday calendar (data, editable by the bureau) ---------------------------------


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Official holiday")
    WORKDAY = "workday", _("Make-up working day")


class Holiday(models.Model):
    """One day of the official holiday arrangement: a day off, or a weekend made a working day.

    Loaded from ``property/data/cn_holidays.csv`` by a data migration; the bureau adds each
    new year's State Council notice in Wagtail admin. ``working_calendar()`` in
    ``property.registry.calendar`` reads this table for the fund's review deadlines and the
    credit rating's objection window alike. The table keeps the name it was created with
    (``fund_holiday``) when the model moved here from the fund.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=HolidayKind.choices)
    name = models.CharField(_("name"), max_length=40)

    class Meta:
        db_table = "fund_holiday"
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"

    def clean(self):
        if self.kind == HolidayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": _("A make-up working day must fall on a Saturday or Sunday.")}
            )


# ---- registry imports run by the worker ----------------------------------------------------


class ImportMode(models.TextChoices):
    PREVIEW = "preview", _("Preview (dry run)")
    IMPORT = "import", _("Import")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    CHECKING = "checking", _("Checking the rows")
    WRITING = "writing", _("Writing to the registry")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused: nothing was imported")
    FAILED = "failed", _("Stopped: nothing was imported")


RUNNING_STATUSES = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING)
registry_import_path = PrivateUploadTo("registry/imports")


class RegistryImport(models.Model):
    """One uploaded registry file and what the worker made of it (``import_jobs``).

    The request stores the file (private storage, random name) and queues the job; the worker
    reads it as a stream, reports progress here, and records the outcome: the summary and the
    change lines, or the first errors with the count of all. Only the person who started it
    sees it. The file (it holds identity numbers) is deleted once imported and, for a preview
    never imported, after ``REGISTRY_IMPORT_KEEP_HOURS``.
    """

    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="imports", verbose_name=_("estate")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("started by"),
    )
    file = models.FileField(
        _("file"),
        upload_to=registry_import_path,
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    filename = models.CharField(_("file name"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    mode = models.CharField(_("mode"), max_length=10, choices=ImportMode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    language = models.CharField(max_length=12, default="zh-hans")
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[line, message], ...], the first ones
    summary = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.estate} {self.filename}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("registry:import_job", args=[self.estate.code, self.pk])

    @property
    def governing_node(self):
        return self.estate.jurisdiction

    @property
    def running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def stalled(self) -> bool:
        """Running, but not heard of for longer than the worker lets a task run."""
        if self.status not in (ImportStatus.CHECKING, ImportStatus.WRITING):
            return False
        timeout = settings.Q_CLUSTER.get("timeout") or 600
        return (timezone.now() - self.updated_at).total_seconds() > timeout + 60

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def more_errors(self) -> int:
        return max(0, self.error_count - len(self.errors))

    @property
    def can_apply(self) -> bool:
        return (
            self.mode == ImportMode.PREVIEW
            and self.status == ImportStatus.DONE
            and not self.error_count
            and bool(self.file)
        )
