"""Wagtail page types of the portal: home, sections, communities, estates and notices.

The page tree (demo data builds it):

    HomePage /                          (city home, one per site)
    ├── NoticeIndexPage /notices/       (city section: the city bureau; jurisdiction = city)
    │   └── NoticeIndexPage /notices/<district>/      (district bureau's section)
    │       └── NoticeIndexPage /notices/<district>/<street>/   (street office's section)
    │   (each index holds NoticePages)
    ├── SectionPage /communities/
    │   └── CommunityPage /communities/<community>/   (six domains; residents' committee)
    │       └── EstatePage /communities/<community>/<estate>/
    └── StandardPage / SectionPage      (free content pages)

A notice's target jurisdiction decides where it shows: a notice targeted at a district shows
on every estate page in that district (``cms.selectors.notices_for_estate``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.core.text import PlainTextFormMixin
from portal.organisations.models import Jurisdiction, Level, Organisation, OrgKind
from property.registry.models import Estate

from .blocks import BodyBlock
from .segment import segment

# The six domains of a community page: (field name, anchor, label).
COMMUNITY_DOMAINS = [
    ("party_building", "party-building", _("Party building")),
    ("safety", "safety", _("Community safety")),
    ("government_services", "government-services", _("Government services")),
    ("management", "management", _("Community management")),
    ("co_governance", "co-governance", _("Co-governance")),
    ("services", "services", _("Community services")),
]


class SegmentedSearchMixin:
    """Adds jieba-segmented text to the search index (see ``cms.segment``)."""

    def search_text_parts(self) -> list[str]:
        return [self.title, getattr(self, "search_description", "") or ""]

    def segmented_text(self) -> str:
        return segment(" ".join(p for p in self.search_text_parts() if p))


def _stream_text(value) -> str:
    """The visible text of a StreamField value (for the search index)."""
    if not value:
        return ""
    try:
        return " ".join(str(block.block.get_searchable_content(block.value)) for block in value)
    except Exception:  # a malformed block must never break indexing
        return ""


SEGMENTED = [index.SearchField("segmented_text")]


class PlainTextPageForm(PlainTextFormMixin, WagtailAdminPageForm):
    """The form of every page: titles, summaries and other typed text refuse control and
    text-direction characters (``portal.core.text``)."""


class HomePage(SegmentedSearchMixin, Page):
    """The city portal's home page (root of the public site)."""

    base_form_class = PlainTextPageForm

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + SEGMENTED
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.SectionPage", "cms.StandardPage", "cms.NoticeIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_context(request))
        context["domains"] = [(anchor, label) for _f, anchor, label in COMMUNITY_DOMAINS]
        return context


class ContentPage(SegmentedSearchMixin, Page):
    base_form_class = PlainTextPageForm

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + SEGMENTED

    class Meta:
        abstract = True

    def search_text_parts(self):
        return super().search_text_parts() + [self.intro, _stream_text(self.body)]


class SectionPage(ContentPage):
    """A section of the site that lists its child pages (e.g. /communities/)."""

    parent_page_types = ["cms.HomePage", "cms.SectionPage"]
    subpage_types = ["cms.SectionPage", "cms.StandardPage", "cms.CommunityPage"]

    class Meta:
        verbose_name = _("section page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        children = list(self.get_children().live().public().specific())
        context["children"] = children
        communities = [c for c in children if isinstance(c, CommunityPage)]
        if communities:
            # Each domain with a link to it on every community page (the home page links here).
            context["domain_index"] = [
                (anchor, label, communities) for _f, anchor, label in COMMUNITY_DOMAINS
            ]
        return context


class StandardPage(ContentPage):
    """A free content page (guides, policies explained, contacts)."""

    parent_page_types = [
        "cms.HomePage",
        "cms.SectionPage",
        "cms.StandardPage",
        "cms.CommunityPage",
        "cms.EstatePage",
    ]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class CommunityPage(SegmentedSearchMixin, Page):
    """A community (社区) with its six domains as sections; edited by its residents' committee."""

    base_form_class = PlainTextPageForm

    jurisdiction = models.OneToOneField(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="community_page",
        limit_choices_to={"level": Level.COMMUNITY},
        verbose_name=_("community"),
    )
    intro = models.TextField(_("introduction"), blank=True)
    party_building = StreamField(BodyBlock(), blank=True, verbose_name=_("Party building"))
    safety = StreamField(BodyBlock(), blank=True, verbose_name=_("Community safety"))
    government_services = StreamField(
        BodyBlock(), blank=True, verbose_name=_("Government services")
    )
    management = StreamField(BodyBlock(), blank=True, verbose_name=_("Community management"))
    co_governance = StreamField(BodyBlock(), blank=True, verbose_name=_("Co-governance"))
    services = StreamField(BodyBlock(), blank=True, verbose_name=_("Community services"))

    content_panels = (
        Page.content_panels
        + [FieldPanel("jurisdiction"), FieldPanel("intro")]
        + [FieldPanel(name) for name, _a, _l in COMMUNITY_DOMAINS]
    )
    search_fields = Page.search_fields + SEGMENTED
    parent_page_types = ["cms.SectionPage"]
    subpage_types = ["cms.EstatePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("community page")

    @property
    def governing_node(self) -> Jurisdiction:
        return self.jurisdiction

    def search_text_parts(self):
        return (
            super().search_text_parts()
            + [self.intro]
            + [_stream_text(getattr(self, name)) for name, _a, _l in COMMUNITY_DOMAINS]
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["domains"] = [
            (anchor, label, getattr(self, name)) for name, anchor, label in COMMUNITY_DOMAINS
        ]
        context["estates"] = EstatePage.objects.child_of(self).live().public()
        return context


class EstatePage(SegmentedSearchMixin, Page):
    """An estate's public page: company and its grade, committee, votes, fund, notices."""

    base_form_class = PlainTextPageForm

    estate = models.OneToOneField(
        Estate, on_delete=models.PROTECT, related_name="page", verbose_name=_("estate")
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("estate"), FieldPanel("intro")]
    search_fields = Page.search_fields + SEGMENTED
    parent_page_types = ["cms.CommunityPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("estate page")

    @property
    def governing_node(self) -> Jurisdiction:
        return self.estate.jurisdiction

    def search_text_parts(self):
        return super().search_text_parts() + [self.intro, self.estate.name, self.estate.address]

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.estate_context(self.estate))
        return context


class NoticeIndexPage(SegmentedSearchMixin, Page):
    """A section of notices for one jurisdiction (city, district or street)."""

    base_form_class = PlainTextPageForm

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_sections",
        verbose_name=_("jurisdiction"),
        help_text=_("Whose section this is: its staff draft notices here."),
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("jurisdiction"), FieldPanel("intro")]
    search_fields = Page.search_fields + SEGMENTED
    parent_page_types = ["cms.HomePage", "cms.NoticeIndexPage"]
    subpage_types = ["cms.NoticeIndexPage", "cms.NoticePage"]

    class Meta:
        verbose_name = _("notice index page")

    @property
    def governing_node(self) -> Jurisdiction | None:
        return self.jurisdiction

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        if category not in NoticeCategory.values:
            category = ""
        context["category"] = category
        context["categories"] = NoticeCategory.choices
        context["sections"] = NoticeIndexPage.objects.child_of(self).live().public()
        context["notices"] = selectors.paginate(
            request, selectors.notices_under(self, category=category or None), per_page=20
        )
        return context


class NoticeCategory(models.TextChoices):
    POLICY = "policy", _("Policy")
    NOTICE = "notice", _("Notice")
    ANNOUNCEMENT = "announcement", _("Announcement")
    PUBLICITY = "publicity", _("Result publicity")


class NoticePageForm(PlainTextPageForm):
    """A notice's target must lie within its section's jurisdiction; empty means the section's.

    A notice is issued in its author's own name: the issuing organisation offered and accepted
    is one the editor is an active member of (a district officer cannot issue in the city
    bureau's name). An approver editing someone else's notice may keep its issuer; a Django
    superuser may pick any."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisation")
        user = getattr(self, "for_user", None)
        if field is None or user is None or user.is_superuser:
            return
        own = Organisation.objects.filter(
            memberships__user=user, memberships__active=True
        ).values_list("pk", flat=True)
        kept = [self.instance.organisation_id] if self.instance.organisation_id else []
        field.queryset = field.queryset.filter(
            models.Q(pk__in=list(own)) | models.Q(pk__in=kept)
        ).distinct()

    def clean_organisation(self):
        organisation = self.cleaned_data.get("organisation")
        user = getattr(self, "for_user", None)
        if organisation is None or user is None or user.is_superuser:
            return organisation
        if organisation.pk == self.instance.organisation_id:
            return organisation
        if not organisation.memberships.filter(user=user, active=True).exists():
            raise ValidationError(
                _("A notice can only be issued in the name of your own organisation.")
            )
        return organisation

    def clean(self):
        cleaned = super().clean()
        parent = getattr(self, "parent_page", None)
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        section = getattr(parent.specific, "jurisdiction", None) if parent else None
        target = cleaned.get("jurisdiction")
        if section is not None:
            if target is None and section.depth > 1:
                cleaned["jurisdiction"] = section
                self.instance.jurisdiction = section
            elif target is not None and not section.contains(target):
                self.add_error(
                    "jurisdiction",
                    _("A notice of this section can only target %(place)s or places within it.")
                    % {"place": section.name},
                )
        return cleaned


class NoticePage(SegmentedSearchMixin, Page):
    """A notice, policy document, announcement or result publicity from an organisation.

    Publication follows Wagtail: ``go_live_at`` schedules it, ``expire_at`` withdraws it (the
    worker runs ``publish_scheduled`` every minute). ``jurisdiction`` targets it: empty shows it
    city-wide; a district shows it in that district's estates.
    """

    category = models.CharField(
        _("category"), max_length=16, choices=NoticeCategory.choices, default=NoticeCategory.NOTICE
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="notices",
        limit_choices_to={
            "kind__in": [
                OrgKind.BUREAU,
                OrgKind.STREET_OFFICE,
                OrgKind.RESIDENTS_COMMITTEE,
                OrgKind.OWNERS_COMMITTEE,
            ]
        },
        verbose_name=_("issuing organisation"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("target jurisdiction"),
        help_text=_(
            "Where the notice applies; empty: its section's jurisdiction (city-wide at the top)."
        ),
    )
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    publication_date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Shown on the notice; set at first publication when empty."),
    )
    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    notified_at = models.DateTimeField(
        _("owners notified at"), null=True, blank=True, editable=False
    )

    base_form_class = NoticePageForm
    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("organisation"),
                FieldPanel("document_number"),
                FieldPanel("jurisdiction"),
                FieldPanel("publication_date"),
            ],
            heading=_("Notice"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    search_fields = (
        Page.search_fields
        + SEGMENTED
        + [
            index.FilterField("category"),
            index.FilterField("organisation"),
            index.FilterField("publication_date"),
            index.FilterField("jurisdiction"),
            index.FilterField("expire_at"),
        ]
    )
    parent_page_types = ["cms.NoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["publication_date"], name="cms_notice_pubdate")]

    @property
    def governing_node(self) -> Jurisdiction | None:
        if self.jurisdiction_id:
            return self.jurisdiction
        parent = self.get_parent()
        return getattr(parent.specific, "jurisdiction", None) if parent else None

    @cached_property
    def expires_on(self):
        return timezone.localtime(self.expire_at).date() if self.expire_at else None

    def search_text_parts(self):
        return super().search_text_parts() + [
            self.document_number,
            self.summary,
            self.organisation.name if self.organisation_id else "",
            _stream_text(self.body),
        ]

    def with_content_json(self, content):
        """Restoring a revision never resets the notification mark (owners are emailed once)."""
        obj = super().with_content_json(content)
        obj.notified_at = self.notified_at
        return obj

    def save(self, *args, **kwargs):
        if self.live and not self.publication_date:
            when = self.go_live_at or self.first_published_at or timezone.now()
            self.publication_date = timezone.localtime(when).date()
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.expire_at and self.go_live_at and self.expire_at <= self.go_live_at:
            raise ValidationError({"expire_at": _("A notice must expire after it goes live.")})


class NoticeAttachment(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("document"),
    )
    title = models.CharField(_("link text"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
