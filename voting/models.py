"""Owner e-voting: votes, the frozen electorate, sealed ballots and the bulletin board.

DOMAIN.md §1. The rules themselves live in the pure modules (``voting.tally`` counts,
``voting.sealing`` seals, ``voting.verify`` defines the board format); these models hold the data
and its invariants, and ``voting.services`` moves them.

Data at a glance
================

``Vote``            one decision put to the owners of an estate; its lifecycle ``status``; at open
                    it gets an X25519 key pair (public key in clear, private key only wrapped with
                    AES-GCM under the board key, ``voting.keys``), the frozen totals and the
                    manifest hash; at count the raw private key is published with the result.
``VoteAttachment``  files attached to the motion.
``VoteElector``     the electorate frozen at open: one row per owner party (pseudonym, area in
                    centi-m², number of units). Later registry changes never touch it.
``Ballot``          the CURRENT ballot of a party in a vote (a UniqueConstraint on (vote, party)
                    makes a second ballot impossible whatever the channel); the choice is stored
                    ONLY as HPKE-sealed bytes. Updated in place when a ballot is changed.
``BoardEntry``      the append-only bulletin board: one row per ballot ever cast (changes
                    included). ``entry`` is exactly ``voting.board_format.make_entry``'s dict (fields
                    n, pseudonym, area, heads, sealed_choice, channel, time, supersedes), its leaf
                    bytes are ``voting.board_format.entry_leaf(entry)`` and ``entry_hash`` is the RFC
                    9162 leaf hash (``voting.board_format.entry_hash``), the voter's receipt. ``n`` runs
                    0, 1, 2 ... per vote without gaps (assigned under ``BoardCounter``'s lock).
``BoardCounter``    one row per vote: the next ``n`` and the last entry time; ``select_for_update``
                    on it is the short per-vote lock under which an entry is appended.
``PaperBallot``     the scanned paper ballot behind a ``paper`` board entry.
``ProxyAuthorization`` a written authorization naming a proxy for one vote and one party.
``Objection``       an objection filed during the publicity period.
``VotingVersion``   one row: a number every write of a vote's published fields moves on, in the
                    same transaction (``Vote.save`` and ``VoteQuerySet``); the cached figures of
                    votes (``selectors.cached_on_votes``) are keyed by it.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.objections import ObjectionBase, answer_fields
from portal.core.uploads import PrivateUploadTo, private_storage, validate_upload
from portal.organisations.models import Organisation
from property.registry.models import Estate, OwnerParty, Unit

from . import tally
from .board_format import COMMITTED_FORMATS

# A cancelled vote's reason is shown to every owner: a paragraph, not a document.
CANCEL_REASON_MAX_CHARS = 1000


class VoteStatus(models.TextChoices):
    # In a context of their own: "Open" is a vote under way (进行中), not a verb (打开).
    DRAFT = "draft", pgettext_lazy("vote status", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("vote status", "Scheduled")
    OPEN = "open", pgettext_lazy("vote status", "Open")
    CLOSED = "closed", pgettext_lazy("vote status", "Closed")
    COUNTED = "counted", pgettext_lazy("vote status", "Counted")
    PUBLICISED = "publicised", pgettext_lazy("vote status", "Result publicised")
    FINAL = "final", pgettext_lazy("vote status", "Final")
    CANCELLED = "cancelled", pgettext_lazy("vote status", "Cancelled")
    # Reached only from publicised, when an objection is upheld: the counted figures, the board
    # and its export stay public and verifiable, but the result never becomes final.
    SET_ASIDE = "set_aside", pgettext_lazy("vote status", "Result set aside")


#: The vote has counted figures (public, with the board export). A set-aside result keeps them.
RESULT_STATUSES = (
    VoteStatus.COUNTED,
    VoteStatus.PUBLICISED,
    VoteStatus.FINAL,
    VoteStatus.SET_ASIDE,
)


class Channel(models.TextChoices):
    # The ways to vote (网上投票、纸质投票、委托投票), not the ballot or the person.
    ONLINE = "online", pgettext_lazy("voting channel", "Online")
    PAPER = "paper", pgettext_lazy("voting channel", "Paper ballot")
    PROXY = "proxy", pgettext_lazy("voting channel", "Proxy")


ALL_CHANNELS = tuple(c.value for c in Channel)

#: A board entry's channel: a ballot's channel, or ``void`` (appended at close for a party whose
#: latest ballot does not count, ``voting.verify`` format 3).
VOID = "void"
ENTRY_CHANNELS = [*Channel.choices, (VOID, _("Void (does not count)"))]


class Matter(models.IntegerChoices):
    """Civil Code Art. 278 para. 1; matters 6-8 are special."""

    RULES = 1, _("Rules of procedure of the owners' assembly")
    COVENANT = 2, _("Management covenant")
    COMMITTEE = 3, _("Elect or replace owners' committee members")
    COMPANY = 4, _("Hire or dismiss the property company")
    FUND_USE = 5, _("Use the maintenance fund")
    FUND_RAISE = 6, _("Raise the maintenance fund")
    REBUILD = 7, _("Rebuild or alter buildings and facilities")
    COMMON_USE = 8, _("Change the use of common parts or run a business on them")
    OTHER = 9, _("Other major matter")


class ChoiceValue(models.TextChoices):
    AGREE = tally.Choice.AGREE.value, _("Agree")
    OPPOSE = tally.Choice.OPPOSE.value, _("Oppose")
    ABSTAIN = tally.Choice.ABSTAIN.value, _("Abstain")


# The fields of a vote that its published figures read: the dashboards' voting figures
# (``voting.indicators``) and the open-data list of results (``portal.api``). Writing any of them
# moves ``VotingVersion`` on, in the same transaction.
PUBLISHED_FIELDS = frozenset(
    {
        "status",
        "result",
        "outcome",
        "counted_at",
        "finalised_at",
        "opens_at",
        "closes_at",
        "title",
        "matter",
        "estate",
        "estate_id",
    }
)


def new_token() -> str:
    """A fresh random version token (16 hex digits)."""
    return secrets.token_hex(8)


class VotingVersion(models.Model):
    """The version of every vote's published fields (``PUBLISHED_FIELDS``): one row, whose ``n``
    moves on and whose random ``token`` is drawn afresh in the transaction of every write of those fields,
    so a reader never sees a new version before the new status is committed. The figures of
    votes are cached under it (``selectors.cached_on_votes``), in each web worker's own cache
    or in Redis alike, and a change in the django-q worker reaches every process.

    Why one row rather than a ``changed_at`` per vote and its ``max()``: timestamps are taken
    before the commit, so a transaction that stamps earlier and commits later would add a
    change under a maximum a reader has already seen, and that reader's figures would stay
    cached without it. The row's ``UPDATE`` locks it until the commit, so versions follow the
    order of the commits; the lock is taken by the vote's status change, the last of its
    transaction's locks (the count's cutting of links follows it), a few times a minute across
    the city at most. The cache keys use the random ``token``, which never names two states: after
    a restore from a backup, or a test's rollback, ``n`` comes round again but the token does
    not (``n`` only counts, for people). Reading it is one query by primary key, or none: the
    dashboards' scope query reads it on the way (``voting.indicators.estate_annotations``).

    Writes bump it without the caller's help: ``Vote.save`` (when its ``update_fields`` are
    none or include a published field), ``Vote.delete`` and the vote query set's ``update``,
    ``bulk_create``, ``bulk_update`` and ``delete``. Only raw SQL and ``loaddata``'s raw saves
    would not (``tests/voting/test_voting_version.py`` keeps raw SQL out of voting)."""

    ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW, editable=False)
    n = models.BigIntegerField(default=0)
    token = models.CharField(max_length=16, default=new_token)

    class Meta:
        verbose_name = "voting version"

    def __str__(self):
        return f"voting version {self.n}"

    @classmethod
    def bump(cls, using: str = "default") -> None:
        """Move the version on; call inside the transaction of the change."""
        token = new_token()
        rows = cls.objects.using(using).filter(pk=cls.ROW)
        if not rows.update(n=F("n") + 1, token=token):  # the row is gone (a flushed database)
            cls.objects.using(using).get_or_create(pk=cls.ROW)
            rows.update(n=F("n") + 1, token=token)

    @classmethod
    def token_query(cls):
        """The version (its ``token``) as a subquery, for a query that reads it on the way."""
        return cls.objects.filter(pk=cls.ROW).values("token")[:1]

    @classmethod
    def current(cls) -> str:
        """The version as a cache-key part (its ``token``; "-" when the row is gone): one
        query (on the replica for the replica's pages)."""
        return cls.objects.filter(pk=cls.ROW).values_list("token", flat=True).first() or "-"


def _publishes(fields) -> bool:
    """Whether a write of ``fields`` (None: every field) changes a published field."""
    return fields is None or not PUBLISHED_FIELDS.isdisjoint(fields)


class VoteQuerySet(models.QuerySet):
    """Bulk writes of votes move ``VotingVersion`` on like ``Vote.save`` does."""

    def _bumping(self, write, publishes: bool):
        if not publishes:
            return write()
        with transaction.atomic(using=self.db, savepoint=False):
            done = write()
            VotingVersion.bump(using=self.db)
        return done

    def update(self, **kwargs):
        return self._bumping(lambda: super(VoteQuerySet, self).update(**kwargs), _publishes(kwargs))

    def bulk_create(self, objs, *args, **kwargs):
        return self._bumping(
            lambda: super(VoteQuerySet, self).bulk_create(objs, *args, **kwargs), True
        )

    def bulk_update(self, objs, fields, *args, **kwargs):
        return self._bumping(
            lambda: super(VoteQuerySet, self).bulk_update(objs, fields, *args, **kwargs),
            _publishes(fields),
        )

    def delete(self):
        return self._bumping(lambda: super(VoteQuerySet, self).delete(), True)

    delete.alters_data = True
    delete.queryset_only = True


class Vote(models.Model):
    estate = models.ForeignKey(
        Estate, on_delete=models.PROTECT, related_name="votes", verbose_name=_("estate")
    )
    title = models.CharField(_("title"), max_length=200)
    matter = models.PositiveSmallIntegerField(
        _("matter"),
        choices=Matter.choices,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    motion = models.TextField(_("motion"))
    status = models.CharField(
        _("status"), max_length=12, choices=VoteStatus.choices, default=VoteStatus.DRAFT
    )
    notice_at = models.DateTimeField(_("notice published"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    original_closes_at = models.DateTimeField(
        _("originally closes"), null=True, blank=True, editable=False
    )
    allow_change = models.BooleanField(_("ballots may be changed before close"), default=True)
    channels = models.JSONField(_("channels"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    concerns = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation the motion names"),
        help_text=_(
            "The estate's property company or owners' committee, if the motion is about it. "
            "While the vote is scheduled or open, that organisation may not verify claims."
        ),
    )

    # Frozen at open (DOMAIN §1: the electorate is frozen when the vote opens).
    total_heads = models.PositiveIntegerField(_("total heads"), default=0)
    total_area_centi = models.BigIntegerField(_("total area (centi-m²)"), default=0)
    total_units = models.PositiveIntegerField(_("total units"), default=0)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    public_key = models.BinaryField(_("vote public key"), null=True, blank=True, editable=False)
    private_key_wrapped = models.BinaryField(null=True, blank=True, editable=False)
    private_key = models.BinaryField(
        _("vote private key (published at count)"), null=True, blank=True, editable=False
    )
    manifest = models.CharField(_("manifest hash"), max_length=64, blank=True, editable=False)
    board_format = models.CharField(
        _("board format"), max_length=24, blank=True, editable=False
    )  # set at open; empty for votes opened before format 3 (gongzhi-board/2)
    board_trustees = models.JSONField(
        _("trustees on the board"), null=True, blank=True, editable=False
    )  # set at open from format 5: the export's trustees or why none (board.trustees_record)
    area_opening = models.CharField(
        _("sum of the area openings"), max_length=64, blank=True, editable=False
    )  # set at open from format 6: the electorate's opening (public, in the export)

    # Closing, counting and publication.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)
    result = models.JSONField(_("result figures"), null=True, blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=10, blank=True, editable=False)
    publicised_at = models.DateTimeField(_("result publicised"), null=True, blank=True)
    publicity_ends_at = models.DateTimeField(_("objection period ends"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("final"), null=True, blank=True)
    set_aside_at = models.DateTimeField(_("result set aside"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Issue 17: the Beijing practice, chosen when the vote is drafted (off by default).
    list_voted_units = models.BooleanField(
        _("list the units that have voted on the public board"),
        default=False,
        help_text=_(
            "While the vote is open, the public board lists the units whose owners have voted, "
            "by unit code and area only: never names or choices."
        ),
    )

    # Trustees (issue 18, docs/voting.md "Trustees"): ``k`` of the vote's trustees open its key
    # after close. Empty: no trustees, the key is kept wrapped under BOARD_KEY_DIR (votes made
    # before trustees, and votes without an online channel whose organiser chose none).
    trustee_threshold = models.PositiveSmallIntegerField(
        _("trustees needed to open the count"), null=True, blank=True, editable=False
    )
    trustees_called_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Cutting the links at the count (issue 18, docs/board.md "Who can learn what"). Votes
    # opened from now on get their own pseudonym secret at open, held wrapped under the board
    # key like a vote key without trustees, and erased at the count; votes opened before keep
    # the global pseudonym key and their links (``links_cut_at`` stays empty).
    pseudonym_secret_wrapped = models.BinaryField(null=True, blank=True, editable=False)
    links_cut_at = models.DateTimeField(
        _("links to parties erased"), null=True, blank=True, editable=False
    )
    # The ballot-to-party list kept for disputes during the objection period: AES-GCM sealed
    # under a fresh key, which is split among the trustees (``VoteTrustee.sealed_link_share``)
    # or, for a vote without trustees, wrapped under the board key. Erased when the result is
    # final or set aside (``services.dispute_links_erase``).
    dispute_links_sealed = models.BinaryField(null=True, blank=True, editable=False)
    dispute_links_key_wrapped = models.BinaryField(null=True, blank=True, editable=False)
    dispute_links_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(matter__gte=1) & Q(matter__lte=9), name="vote_matter_1_9"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="vote_closes_after_opens"
            ),
        ]
        indexes = [models.Index(fields=["status", "opens_at"]), models.Index(fields=["estate"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Save; a write of a published field (``PUBLISHED_FIELDS``) moves ``VotingVersion``
        on in the same transaction."""
        if not _publishes(kwargs.get("update_fields")):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            VotingVersion.bump(using=using)

    def delete(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            done = super().delete(*args, **kwargs)
            VotingVersion.bump(using=using)
        return done

    @property
    def governing_node(self):
        return self.estate.jurisdiction

    @property
    def rule(self) -> str:
        return tally.rule_for(int(self.matter)).value

    @property
    def is_special(self) -> bool:
        return self.rule == tally.Rule.SPECIAL.value

    @property
    def channel_labels(self) -> list:
        """The names of the vote's channels, in their order (join with ``join_list``)."""
        return [Channel(c).label for c in self.channels]

    @property
    def board_id(self) -> str:
        """The vote's id on the bulletin board (export ``vote.id``, HPKE context, heads)."""
        return str(self.pk)

    @property
    def total_area(self) -> Decimal:
        return Decimal(self.total_area_centi) / 100

    @property
    def has_result(self) -> bool:
        return self.status in RESULT_STATUSES and self.result is not None

    @property
    def areas_committed(self) -> bool:
        """Format 6: the board publishes each party's area behind a commitment, never in the
        clear (docs/board.md "Areas behind commitments")."""
        return self.export_format in COMMITTED_FORMATS

    @property
    def export_format(self) -> str:
        """The board format this vote was opened with (its manifest signs it)."""
        return self.board_format or "gongzhi-board/2"

    @property
    def has_trustees(self) -> bool:
        return self.trustee_threshold is not None

    def board_vote_json(self) -> dict:
        """The export's ``vote`` object (fixed from open: part of the manifest)."""
        return {
            "id": self.board_id,
            "estate": self.estate.code,
            "title": self.title,
            "matter": int(self.matter),
        }


class TrusteeKind(models.TextChoices):
    COMMITTEE = "committee", _("Owners' committee")
    STREET = "street", _("Street office")
    SCRUTINEER = "scrutineer", _("Owner scrutineer")


class VoteTrustee(models.Model):
    """One trustee of a vote's key (issue 18). ``public_key`` is the public part of the key
    pair made for them (the private part left the portal once, as their key file); at open
    ``sealed_share`` receives their share of the vote key, sealed to that public key. After
    close, when they open it, ``opened_share`` holds it until ``k`` are present; the count
    then erases every share of the vote (sealed and opened)."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="trustees", verbose_name=_("vote")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="vote_trusteeships",
        verbose_name=_("trustee"),
    )
    kind = models.CharField(_("as"), max_length=12, choices=TrusteeKind.choices)
    number = models.PositiveSmallIntegerField(_("trustee number"))
    public_key = models.BinaryField(_("public key"), null=True, blank=True, editable=False)
    key_made_at = models.DateTimeField(_("key made"), null=True, blank=True)
    sealed_share = models.BinaryField(null=True, blank=True, editable=False)
    opened_share = models.BinaryField(null=True, blank=True, editable=False)
    # The trustee's share of the key of the vote's sealed dispute links (made at the count,
    # erased with them at the end of the objection period).
    sealed_link_share = models.BinaryField(null=True, blank=True, editable=False)
    acted_at = models.DateTimeField(_("opened the count"), null=True, blank=True)

    class Meta:
        verbose_name = _("vote trustee")
        verbose_name_plural = _("vote trustees")
        ordering = ["vote", "number"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "number"], name="unique_trustee_number"),
            models.UniqueConstraint(fields=["vote", "user"], name="one_trusteeship_per_user"),
        ]

    def __str__(self):
        return f"{self.vote_id}#{self.number}"

    @property
    def governing_node(self):
        return self.vote.governing_node


attachment_path = PrivateUploadTo("votes/attachments")


class VoteAttachment(models.Model):
    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("vote")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage, validators=[validate_upload]
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.title or self.file.name.rsplit("/", 1)[-1]

    @property
    def governing_node(self):
        return self.vote.governing_node


class VoteElector(models.Model):
    """One owner party of the electorate, frozen when the vote opened."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="electors", verbose_name=_("vote")
    )
    party = models.ForeignKey(
        OwnerParty, on_delete=models.PROTECT, related_name="+", verbose_name=_("party")
    )
    # Empty once the vote is counted (links cut, ``Vote.links_cut_at``).
    pseudonym = models.CharField(_("pseudonym"), max_length=64, null=True, blank=True)
    area_centi = models.BigIntegerField(_("area (centi-m²)"))
    units = models.PositiveIntegerField(_("units"))
    # Format 6 (docs/board.md "Areas behind commitments"): the Pedersen commitment to the area
    # (33 bytes, published in the electorate) and its opening (32 bytes, big-endian, kept for
    # the voter's receipt); both erased at the count with the pseudonym.
    commitment = models.BinaryField(_("area commitment"), null=True, blank=True, editable=False)
    opening = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electorate")
        ordering = ["vote", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "party"], name="one_elector_per_party"),
            models.UniqueConstraint(fields=["vote", "pseudonym"], name="unique_elector_pseudonym"),
            models.CheckConstraint(condition=Q(area_centi__gte=0), name="elector_area_nonneg"),
        ]

    def __str__(self):
        return (self.pseudonym or "")[:12]

    @property
    def area(self) -> Decimal:
        return Decimal(self.area_centi) / 100


class BoardElector(models.Model):
    """The published electorate of a counted vote (pseudonym and area, or from format 6 the
    area's commitment; no party), in pseudonym
    order: written at the count when the links are cut (``Vote.links_cut_at``), so the export
    still lists the electorate once ``VoteElector.pseudonym`` is erased. Its ids follow the
    pseudonyms, never the parties."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="+")
    pseudonym = models.CharField(_("pseudonym"), max_length=64)
    # Formats 2 to 5 publish each party's area; format 6 only its commitment (no area here).
    area_centi = models.BigIntegerField(_("area (centi-m²)"), null=True, blank=True)
    commitment = models.BinaryField(_("area commitment"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("published elector")
        verbose_name_plural = _("published electorate")
        ordering = ["vote", "pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "pseudonym"], name="unique_board_elector")
        ]

    def __str__(self):
        return self.pseudonym[:12]


class VoteElectorUnit(models.Model):
    """A unit of a frozen party, as held when the vote opened. Who may cast a frozen party's
    ballot follows these units (DOMAIN.md §1: a frozen party keeps its vote; when its units are
    sold during the vote, the buyer may cast it unless the seller already did)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="+")
    elector = models.ForeignKey(VoteElector, on_delete=models.CASCADE, related_name="frozen_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("frozen unit")
        verbose_name_plural = _("frozen units")
        constraints = [
            models.UniqueConstraint(fields=["vote", "unit"], name="one_frozen_holder_per_unit")
        ]

    def __str__(self):
        return f"{self.vote_id}:{self.unit_id}"


class Ballot(models.Model):
    """The party's current ballot. The choice exists here only as HPKE-sealed bytes."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("vote")
    )
    party = models.ForeignKey(
        OwnerParty, on_delete=models.PROTECT, related_name="+", verbose_name=_("party")
    )
    # pseudonym, entry, cast_at and changes are emptied at the count (``Vote.links_cut_at``);
    # the sealed choice too. What stays: the party took part, by which channel, with which area.
    pseudonym = models.CharField(max_length=64, null=True, blank=True)
    area_centi = models.BigIntegerField()
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    sealed_choice = models.BinaryField(editable=False)
    entry = models.OneToOneField(
        "BoardEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("board entry"),
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("cast by"),
    )
    cast_at = models.DateTimeField(_("cast"), null=True, blank=True)
    changes = models.PositiveIntegerField(_("changes"), default=0, null=True, blank=True)
    after_transfer = models.BooleanField(
        _("cast after the party's units changed hands"),
        default=False,
        help_text=_(
            "Cast when the frozen party no longer held any of its units (by the buyers). A "
            "ballot cast before stands: the buyers cannot replace it."
        ),
    )

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "party"], name="one_current_ballot_per_party")
        ]

    def __str__(self):
        return f"{self.vote_id}#{self.entry_id}"

    @property
    def governing_node(self):
        return self.vote.governing_node


class BoardCounter(models.Model):
    """The per-vote lock row: the next board position, the last entry time, and whether the
    board is closed. ``closed`` lives here, not only in ``Vote.status``, because a cast waiting
    for this row's lock must see the close that held it: PostgreSQL re-reads a locked row that
    was updated meanwhile, but not the other rows of a join (READ COMMITTED)."""

    vote = models.OneToOneField(Vote, on_delete=models.CASCADE, related_name="board_counter")
    next_n = models.PositiveIntegerField(default=0)
    last_time = models.DateTimeField(null=True, blank=True)
    closed = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.vote_id}: {self.next_n}"


class BoardEntry(models.Model):
    """One entry of a vote's append-only bulletin board (see the module docstring).

    ``entry`` is the exact dict ``voting.board_format.make_entry`` returned; the export lists these
    dicts in ``n`` order. ``entry_hash`` = ``voting.board_format.entry_hash(entry)`` (hex), ``receipt``
    = ``voting.sealing.receipt_code`` of it. ``supersedes`` repeats ``entry["supersedes"]`` for
    queries. Never updated or deleted.
    """

    vote = models.ForeignKey(
        Vote, on_delete=models.PROTECT, related_name="board", verbose_name=_("vote")
    )
    n = models.PositiveIntegerField(_("position"))
    entry = models.JSONField(_("entry"))
    entry_hash = models.CharField(_("entry hash"), max_length=64)
    receipt = models.CharField(_("receipt code"), max_length=11, db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=ENTRY_CHANNELS)
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whose ballot"),
        help_text=_(
            "The account whose ballot this is: the owner online, the owner who authorized the "
            "proxy; empty for paper ballots and void entries. Not published."
        ),
    )
    supersedes = models.PositiveIntegerField(_("supersedes"), null=True, blank=True)
    time = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("board entry")
        verbose_name_plural = _("board entries")
        ordering = ["vote", "n"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "n"], name="unique_board_position"),
        ]
        indexes = [models.Index(fields=["entry_hash"])]

    def __str__(self):
        return f"{self.vote_id}/{self.n}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("board entries are append-only")
        super().save(*args, **kwargs)

    @property
    def governing_node(self):
        return self.vote.governing_node

    @property
    def leaf_hash(self) -> bytes:
        return bytes.fromhex(self.entry_hash)


scan_path = PrivateUploadTo("votes/paper")


class PaperBallot(models.Model):
    """The scanned paper ballot behind a paper board entry, entered by the owners' committee."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="paper_ballots")
    entry = models.OneToOneField(BoardEntry, on_delete=models.PROTECT, related_name="paper")
    scan = models.FileField(_("scanned ballot"), upload_to=scan_path, storage=private_storage)
    # Who entered it and when: emptied at the count (``Vote.links_cut_at``).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True, null=True, blank=True)

    class Meta:
        verbose_name = _("paper ballot")
        verbose_name_plural = _("paper ballots")

    def __str__(self):
        return f"{self.vote_id}/{self.entry_id}"

    @property
    def governing_node(self):
        return self.vote.governing_node


class ProxyStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("proxy authorization status", "Pending approval")
    APPROVED = "approved", pgettext_lazy("proxy authorization status", "Approved")
    REJECTED = "rejected", pgettext_lazy("proxy authorization status", "Rejected")


proxy_path = PrivateUploadTo("votes/proxies")


class ProxyAuthorization(models.Model):
    """A written authorization by an owner party naming a proxy for one vote."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="proxies", verbose_name=_("vote")
    )
    party = models.ForeignKey(
        OwnerParty, on_delete=models.PROTECT, related_name="+", verbose_name=_("party")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proxy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proxy_authorizations",
        verbose_name=_("proxy"),
        help_text=_("The account with the proxy's phone number, once there is one."),
    )
    proxy_phone = models.CharField(_("proxy's mobile phone"), max_length=20, blank=True)
    document = models.FileField(
        _("written authorization"), upload_to=proxy_path, storage=private_storage
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProxyStatus.choices, default=ProxyStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proxy authorization")
        verbose_name_plural = _("proxy authorizations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "party"],
                condition=~Q(status="rejected"),
                name="one_live_proxy_per_party",
            )
        ]

    def __str__(self):
        return f"{self.vote_id}:{self.party_id}"

    @property
    def governing_node(self):
        return self.vote.governing_node


class BallotDisputeStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the street office")
    UPHELD = "upheld", _("Upheld: the ballot does not count")
    DISMISSED = "dismissed", _("Dismissed: the ballot stands")


class BallotDispute(models.Model):
    """An owner disputes a paper or proxy ballot entered for their party (DOMAIN.md §1
    "Channels"). While open (and for good once upheld) the disputed entry does not stand: the
    party may cast again through any channel, and if it is still the party's latest ballot when
    the vote closes it is voided (``services.vote_close``). The street office decides."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballot_disputes")
    # Emptied at the count for a settled dispute, and when one is settled after it.
    entry = models.ForeignKey(
        BoardEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="disputes"
    )
    party = models.ForeignKey(OwnerParty, on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("statement"), max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BallotDisputeStatus.choices,
        default=BallotDisputeStatus.OPEN,
    )
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("ballot dispute")
        verbose_name_plural = _("ballot disputes")
        ordering = ["filed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="open"), name="one_open_dispute_per_entry"
            )
        ]

    def __str__(self):
        return f"{self.vote_id}/{self.entry_id}"

    @property
    def governing_node(self):
        return self.vote.governing_node


class ObjectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("objection status", "Awaiting ruling")
    DISMISSED = "dismissed", pgettext_lazy("objection status", "Dismissed: the result stands")
    UPHELD = "upheld", pgettext_lazy("objection status", "Upheld: the result is set aside")
    # Still open when another objection to the same vote was upheld: nothing left to rule.
    CLOSED = (
        "closed",
        pgettext_lazy("objection status", "Closed: the result was set aside on another objection"),
    )


class Objection(ObjectionBase):
    """An owner's objection to a publicised result. The street office over the estate (or the
    district or city bureau above it) rules on it: dismissed (the result stands) or upheld (the
    result is set aside). While one is open the result does not become final. The ruling's
    reason is ``answer``, the official who ruled ``answered_by``, when ``answered_at``."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="objections", verbose_name=_("vote")
    )
    status, answer, answered_by, answered_at = answer_fields(
        status_choices=ObjectionStatus,
        answer=_("reason for the ruling"),
        answered_by=_("ruled by"),
        answered_at=_("ruled"),
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["filed_at"]
        indexes = [models.Index(fields=["status", "filed_at"])]

    def __str__(self):
        return f"{self.vote_id}: {self.text[:40]}"

    @property
    def governing_node(self):
        return self.vote.governing_node

    @property
    def estate(self):
        return self.vote.estate


class TreeHead(models.Model):
    """A signed tree head of a vote's bulletin board (DOMAIN.md §1, Verifiability).

    ``head`` is exactly the dict ``voting.board_format.make_head`` returned (vote, size, root, time,
    manifest, signature), as published in the export; the other fields repeat it for queries.
    ``consistency`` is the export's RFC 9162 consistency proof from the previous head (``{"from",
    "to", "proof"}``, ``voting.board_format.make_consistency``), made when this head was signed.
    Signed every minute while the vote is open when the board grew, and once at close
    (``voting.board.board_head_sign``). A format 4 board gets one more at the count: its
    ``final`` head, over the same entries as the closing head, which signs the result digest
    (``voting.board.board_final_head_sign``). Never updated or deleted.
    """

    vote = models.ForeignKey(
        Vote, on_delete=models.PROTECT, related_name="tree_heads", verbose_name=_("vote")
    )
    size = models.PositiveIntegerField(_("entries covered"))
    root = models.CharField(_("root hash"), max_length=64)
    time = models.DateTimeField(_("signed at"))
    manifest = models.CharField(_("manifest hash"), max_length=64)
    signature = models.CharField(_("signature"), max_length=100)
    signing_key = models.CharField(_("signing key"), max_length=64)
    head = models.JSONField(_("signed head"))
    consistency = models.JSONField(
        _("consistency proof from the previous head"), null=True, blank=True
    )
    final = models.BooleanField(_("final head"), default=False)

    class Meta:
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")
        ordering = ["vote", "size", "final"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "size"],
                condition=models.Q(final=False),
                name="one_head_per_board_size",
            ),
            models.UniqueConstraint(
                fields=["vote"], condition=models.Q(final=True), name="one_final_head_per_board"
            ),
        ]

    def __str__(self):
        return f"{self.vote_id}@{self.size}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("signed tree heads are never changed")
        super().save(*args, **kwargs)

    @property
    def governing_node(self):
        return self.vote.governing_node


class ReminderTrigger(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("reminder round", "On schedule")
    MANUAL = "manual", pgettext_lazy("reminder round", "By hand")


class ReminderRound(models.Model):
    """One round of reminders to the parties of a vote that had not voted (``voting.reminders``):
    on schedule (``code`` one of ``voting.reminders.ROUNDS``, ``scheduled_for`` its time) or sent
    by hand by the committee (``code`` ``manual``). Written by ``voting.reminder_services``; never
    changed."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="reminder_rounds", verbose_name=_("vote")
    )
    code = models.CharField(_("round"), max_length=12)
    trigger = models.CharField(_("how sent"), max_length=10, choices=ReminderTrigger.choices)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    parties = models.PositiveIntegerField(_("parties reminded"), default=0)
    skipped = models.PositiveIntegerField(_("parties reminded recently (skipped)"), default=0)

    class Meta:
        verbose_name = _("reminder round")
        verbose_name_plural = _("reminder rounds")
        ordering = ["vote", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "code", "scheduled_for"],
                condition=Q(trigger="scheduled"),
                name="one_scheduled_reminder_round",
            )
        ]

    def __str__(self):
        return f"{self.vote_id}:{self.code}@{self.sent_at:%Y-%m-%d %H:%M}"


# --- delivery of the vote notice (送达; DOMAIN.md §1 "Participation"; docs/voting.md) ---------


class NoticeStep(models.TextChoices):
    SCHEDULED = "scheduled", _("Notice of the vote")
    OPENED = "opened", _("Vote opened")


class VoteNotice(models.Model):
    """The link between a vote and one in-portal notice of it sent to one account (the notice
    of the vote, or its opening): the notification's own fields do not name the vote."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="notices")
    notification = models.OneToOneField(
        "notifications.Notification", on_delete=models.CASCADE, related_name="vote_notice"
    )
    step = models.CharField(_("step"), max_length=10, choices=NoticeStep.choices)

    class Meta:
        verbose_name = _("vote notice sent")
        verbose_name_plural = _("vote notices sent")

    def __str__(self):
        return f"{self.vote_id}/{self.step}/{self.notification_id}"


posting_path = PrivateUploadTo("votes/notice-posted")
handover_path = PrivateUploadTo("votes/notice-handed")


class NoticePosting(models.Model):
    """The paper notice of a vote posted in the estate, with a photo, its time and place."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="notice_postings")
    posted_at = models.DateTimeField(_("posted at"))
    place = models.CharField(_("place"), max_length=200)
    photo = models.FileField(_("photo"), upload_to=posting_path, storage=private_storage)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("notice posted in the estate")
        verbose_name_plural = _("notices posted in the estate")
        ordering = ["posted_at", "pk"]

    def __str__(self):
        return f"{self.vote_id}: {self.place}"

    @property
    def governing_node(self):
        return self.vote.governing_node


class PartyReminder(models.Model):
    """When a party of a vote's electorate was last reminded (the throttle), and how often."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(OwnerParty, on_delete=models.PROTECT, related_name="+")
    last_at = models.DateTimeField(_("last reminded"))
    count = models.PositiveIntegerField(_("reminders"), default=1)

    class Meta:
        verbose_name = _("party reminder")
        verbose_name_plural = _("party reminders")
        constraints = [
            models.UniqueConstraint(fields=["vote", "party"], name="one_reminder_mark_per_party")
        ]

    def __str__(self):
        return f"{self.vote_id}:{self.party_id}"


class NoticeHandover(models.Model):
    """The notice of a vote handed to a party in person, with the signed receipt's scan."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="notice_handovers")
    party = models.ForeignKey(OwnerParty, on_delete=models.PROTECT, related_name="+")
    handed_at = models.DateTimeField(_("handed over at"))
    signature = models.FileField(
        _("signature scan"), upload_to=handover_path, storage=private_storage
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("notice handed over")
        verbose_name_plural = _("notices handed over")
        ordering = ["handed_at", "pk"]

    def __str__(self):
        return f"{self.vote_id}/{self.party_id}"

    @property
    def governing_node(self):
        return self.vote.governing_node
