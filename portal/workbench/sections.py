"""What each role finds on its workbench, read through the domain apps' selectors.

A person gets one :class:`Section` per role they hold (owners' committee, property company,
street office or residents' committee, housing bureau, owner). A section holds groups of
items awaiting the person, oldest first, each with one link to act on it, and the role's own
places (the pages it works in). Nothing here writes; nothing re-derives a rule: deadlines are
the ones the domain apps computed and stored (``FundRequest.review_deadline``,
``CreditRecord.objection_deadline``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from cms import selectors as cms_selectors
from portal.core.templatetags.numbers import format_area, format_money
from portal.core.words import quarter_label
from portal.organisations.models import Jurisdiction, Organisation, OrgKind
from portal.permissions import (
    BUREAU,
    COMMITTEE,
    COMPANY,
    OWNER,
    ROLE_ORG_KINDS,
    STREET,
    grants,
    highest_level_path,
    organisation_ids,
    roles_of,
    scope_q,
)
from property.credit import complaint_selectors
from property.credit import selectors as credit_selectors
from property.fund import selectors as fund_selectors
from property.registry import selectors as registry_selectors
from property.registry.models import ClaimStatus
from property.revenue import selectors as revenue_selectors
from voting import selectors as voting_selectors

# Items shown per group; the count always says how many there are.
SHOWN = 8
# A credit record whose objection window closes within this many days is marked.
CLOSING_SOON_DAYS = 3
# An open vote closing within this many days is marked for the owner who has not voted.
VOTE_CLOSING_SOON_DAYS = 2

LOCAL_GOVERNMENT = ROLE_ORG_KINDS[STREET]

# What happens next to a fund request the company filed (by its status).
NEXT_STEP = {
    "voting": gettext_lazy("Next: the owners' vote"),
    "submitted": gettext_lazy("Next: review by the street office or the housing bureau"),
    "approved": gettext_lazy("Next: the reviewer pays the advance"),
    "advance_paid": gettext_lazy("Next: record the acceptance of the repair"),
    "accepted": gettext_lazy("Next: publicise the cost and the shares"),
    "publicised": gettext_lazy("Next: disbursement after the publicity period"),
}


@dataclass
class Item:
    label: str
    url: str
    action: str
    detail: str = ""
    when: date | datetime | None = None
    due: date | datetime | None = None
    overdue: bool = False
    soon: bool = False
    note: str = ""


@dataclass
class Group:
    key: str
    title: str
    items: list[Item]
    empty: str = ""
    more_url: str = ""
    more_text: str = ""
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total

    @property
    def shown(self) -> list[Item]:
        return self.items[:SHOWN]

    @property
    def waiting(self) -> bool:
        """Items here await an action (not only information), and there are some."""
        return bool(self.count) and self.key not in INFORMATION


@dataclass
class Section:
    role: str
    title: str
    subtitle: str = ""
    groups: list[Group] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)
    start: dict | None = None  # a first step for a person with nothing yet (claim a unit)

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups if g.key not in INFORMATION)


# Groups that inform rather than wait for an action: not counted as waiting.
INFORMATION = {
    "estates",
    "results",
    "rating",
    "surveys_running",
    "supervision",
    "units",
    "receipts",
    "fund",
    "shares",
    "notices",
    "votes_area",
    "result_objections",  # the committee reads them; the street office rules on them
}


def _today() -> date:
    return timezone.localdate()


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


RECENT_VOTES = ("scheduled", "open", "closed", "counted", "publicised", "final", "set_aside")


def _votes_group(votes, *, key: str = "votes_area", title=None) -> Group:
    """Votes under way and recent results (information), newest first, each opening the vote
    (its result, board and receipts are one click further)."""
    votes = list(votes.filter(status__in=RECENT_VOTES).order_by("-opens_at", "-pk")[:50])
    return Group(
        key,
        title or _("Votes in the area"),
        [
            Item(
                label=v.title,
                url=reverse("voting:detail", args=[v.pk]),
                action=_("Open"),
                detail=f"{v.estate.name} · {v.get_status_display()}",
                when=v.opens_at,
            )
            for v in votes
        ],
        empty=_("No vote under way."),
        more_url=reverse("voting:list"),
        more_text=_("All votes"),
    )


def _objections_to_rule_group(user, kinds) -> Group:
    """Open objections to publicised results that the street office or bureau rules on, oldest
    first, each opening its ruling page; the vote's objection period end is its due date."""
    rows = voting_selectors.objections_to_rule(
        scope_q(user, "vote__estate__jurisdiction__path", kinds=kinds)
    )
    now = timezone.now()
    items = [
        Item(
            label=o.vote.title,
            url=reverse("voting:objection_rule", args=[o.pk]),
            action=_("Rule"),
            detail=o.vote.estate.name,
            when=o.filed_at,
            due=o.vote.publicity_ends_at,
            overdue=o.vote.publicity_ends_at <= now,
        )
        for o in rows[:50]
    ]
    return Group(
        "vote_objections",
        _("Objections to a result to rule"),
        items,
        empty=_("No objection to a result awaits a ruling."),
        more_url=reverse("voting:objections_to_rule"),
        more_text=_("All objections to results"),
        total=rows.count(),
    )


def _claims_group(estates) -> Group:

    items = []
    for estate in estates:
        items += [
            Item(
                label=", ".join(u.code for u in c.units.all()) or _("Claim %(n)s") % {"n": c.pk},
                url=reverse("registry:claim_review", args=[estate.code, c.pk]),
                action=_("Review"),
                detail=estate.name,
                when=c.submitted_at,
            )
            for c in registry_selectors.claims_for_estate(estate, ClaimStatus.PENDING)
        ]
    items.sort(key=lambda i: i.when)
    return Group("claims", _("Claims to verify"), items, empty=_("No claim awaits verification."))


# ---- owners' committee ------------------------------------------------------------------------


def _revenue_entry_group(user, estates, today: date) -> Group | None:
    """The estates whose shared revenue the person keeps: this month's entries, and the months
    past their due date not filed (marked overdue)."""
    mine = [e for e in estates if user.has_perm("revenue.enter", e)]
    if not mine:
        return None
    items = []
    for e in mine:
        overdue = revenue_selectors.overdue_months(e, today)
        items.append(
            Item(
                label=e.name,
                url=reverse("revenue:enter", args=[e.code, "income"]),
                action=_("Enter this month's shared revenue"),
                detail=(
                    _("Not filed: %(months)s")
                    % {"months": ", ".join(f"{m:%Y-%m}" for m in overdue)}
                    if overdue
                    else _("Months filed up to date")
                ),
                overdue=bool(overdue),
                note=_("Late") if overdue else "",
            )
        )
    return Group(
        "revenue",
        _("Shared revenue to enter"),
        items,
        more_url=reverse("revenue:home"),
        more_text=_("Shared revenue"),
        total=sum(1 for i in items if i.overdue),
    )


def _revenue_objections_group(estates) -> Group:
    items = [
        Item(
            label=f"{o.entry.estate.name} · {o.entry.period:%Y-%m} {o.entry.describe()}",
            url=reverse("revenue:estate", args=[o.entry.estate.code]) + f"#entry-{o.entry_id}",
            action=_("Answer"),
            when=o.filed_at,
            due=o.answer_due,
            overdue=o.answer_due < _today(),
        )
        for o in revenue_selectors.open_objections(estates)
    ]
    return Group(
        "revenue_objections",
        _("Objections to shared revenue entries"),
        items,
        empty=_("No objection to answer."),
    )


def _revenue_late_group(estates, today: date) -> Group:
    items = [
        Item(
            label=e.name,
            url=reverse("revenue:estate", args=[e.code]),
            action=_("See the ledger"),
            detail=_("Not filed: %(months)s") % {"months": ", ".join(f"{m:%Y-%m}" for m in months)},
            overdue=True,
            note=e.company.name if e.company_id else "",
        )
        for e, months in revenue_selectors.late_estates(estates, today)
    ]
    return Group(
        "revenue_late",
        _("Estates late with their shared revenue entries"),
        items,
        empty=_("No estate is late."),
        more_url=reverse("revenue:late"),
        more_text=_("All late estates"),
    )


def committee_sections(user) -> list[Section]:

    out = []
    today = _today()
    for estate in registry_selectors.committee_estates(user):
        code = estate.code
        claims = [
            Item(
                label=", ".join(u.code for u in c.units.all()) or _("Claim %(n)s") % {"n": c.pk},
                url=reverse("registry:claim_review", args=[code, c.pk]),
                action=_("Review"),
                when=c.submitted_at,
            )
            for c in registry_selectors.claims_for_estate(estate, ClaimStatus.PENDING)
        ]
        proxies = [
            Item(
                label=p.vote.title,
                url=reverse("voting:proxies", args=[p.vote_id]),
                action=_("Approve or reject"),
                when=p.created_at,
            )
            for p in voting_selectors.pending_proxies([estate])
        ]
        open_votes = list(voting_selectors.open_votes(estate))
        paper = [
            Item(
                label=v.title,
                url=reverse("voting:paper", args=[v.pk]),
                action=_("Enter paper ballots"),
                detail=_("closes %(date)s") % {"date": _date(v.closes_at).isoformat()},
                when=v.opened_at or v.opens_at,
            )
            for v in sorted(open_votes, key=lambda v: v.opened_at or v.opens_at)
        ]
        drafts = [
            Item(
                label=v.title,
                url=reverse("voting:detail", args=[v.pk]),
                action=_("Open the draft"),
                when=v.created_at,
            )
            for v in voting_selectors.votes_for_estate(estate, include_drafts=True)
            .filter(status="draft")
            .order_by("created_at", "pk")
        ]
        objections = [
            Item(
                label=o.vote.title,
                url=reverse("voting:result", args=[o.vote_id]),
                action=_("Read the objection"),
                detail=o.get_status_display(),
                when=o.filed_at,
            )
            for o in voting_selectors.result_objections([estate])
        ]
        requests = [
            _fund_item(r, today, estate=False)
            for r in fund_selectors.requests_in_progress(estates=[estate])
        ]
        out.append(
            Section(
                role="committee",
                title=_("Owners' committee"),
                subtitle=estate.name,
                groups=[
                    Group(
                        "claims",
                        _("Claims to verify"),
                        claims,
                        empty=_("No claim awaits verification."),
                        more_url=reverse("registry:claim_queue", args=[code]),
                        more_text=_("Claim queue"),
                    ),
                    Group(
                        "proxies",
                        _("Proxy authorizations to approve"),
                        proxies,
                        empty=_("No proxy authorization awaits approval."),
                    ),
                    Group(
                        "paper",
                        _("Paper ballots to enter (open votes)"),
                        paper,
                        empty=_("No vote is open."),
                    ),
                    Group(
                        "drafts",
                        _("Votes in draft"),
                        drafts,
                        empty=_("No vote in draft."),
                        more_url=reverse("voting:create", args=[code]),
                        more_text=_("New vote"),
                    ),
                    Group(
                        "result_objections",
                        _("Objections to results"),
                        objections,
                        empty=_("No objection to a result."),
                    ),
                    Group(
                        "fund_requests",
                        _("Fund requests of the estate"),
                        requests,
                        empty=_("No fund request in progress."),
                        more_url=reverse("fund:estate", args=[code]),
                        more_text=_("The estate's fund"),
                    ),
                    _revenue_objections_group([estate]),
                    *[g for g in [_revenue_entry_group(user, [estate], today)] if g],
                    _votes_group(
                        voting_selectors.votes_for_estate(estate),
                        title=_("Votes and results of the estate"),
                    ),
                ],
                places=[
                    (_("Registry"), reverse("registry:estate_detail", args=[code])),
                    (_("Shared revenue"), reverse("revenue:estate", args=[code])),
                    (_("Shared revenue settings"), reverse("revenue:settings", args=[code])),
                    (_("Claim queue"), reverse("registry:claim_queue", args=[code])),
                    (_("Votes"), reverse("voting:list")),
                    (_("The estate's fund"), reverse("fund:estate", args=[code])),
                    (_("Fund requests"), reverse("fund:requests")),
                    (_("Estate dashboard"), reverse("dashboards:node", args=[code])),
                    (_("Estates"), reverse("registry:estate_list")),
                ],
            )
        )
    return out


def _fund_item(
    r, today: date, *, action: str | None = None, next_step: bool = False, estate: bool = True
) -> Item:
    """A fund request; one awaiting review carries the review deadline the fund app computed
    when it was filed (working days), overdue once that day has passed."""
    waiting = r.status == "submitted" and r.review_deadline is not None
    detail = str(NEXT_STEP.get(r.status, "")) if next_step else r.get_status_display()
    if estate:
        detail = f"{r.estate.name} · {detail}"
    return Item(
        label=r.title,
        url=reverse("fund:request", args=[r.pk]),
        action=action or _("Open"),
        detail=detail,
        when=r.submitted_at,
        due=r.review_deadline if waiting else None,
        overdue=bool(waiting and r.review_deadline < today),
    )


# ---- property company -------------------------------------------------------------------------


def company_sections(user) -> list[Section]:

    ids = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    out = []
    today = _today()
    year = today.year
    all_estates = list(registry_selectors.company_estates(user))
    for company in Organisation.objects.filter(pk__in=ids).order_by("name"):
        estates = [e for e in all_estates if e.company_id == company.pk]
        estate_items = [
            Item(
                label=e.name,
                url=reverse("fund:estate", args=[e.code]),
                action=_("The estate's fund"),
            )
            for e in estates
        ]
        requests = [
            _fund_item(r, today, next_step=True)
            for r in fund_selectors.requests_in_progress(applicants=[company.pk])
        ]
        records = []
        for record in credit_selectors.pending_records(company):
            in_window = record.status == "pending"
            records.append(
                Item(
                    label=record.item.description,
                    url=reverse("credit:object", args=[record.pk])
                    if in_window
                    else reverse("credit:mine"),
                    action=_("Object") if in_window else _("See the objection"),
                    detail=record.get_status_display(),
                    when=record.created_at,
                    due=record.objection_deadline,
                    soon=in_window
                    and record.objection_deadline - today <= timedelta(days=CLOSING_SOON_DAYS),
                    note=record.estate.name if record.estate_id else "",
                )
            )
        rating = credit_selectors.current_rating(company)
        rating_items = [
            Item(
                label=(
                    _("Score %(score)s, grade %(grade)s")
                    % {"score": rating.score, "grade": rating.grade}
                    if rating
                    else _("Not rated yet")
                ),
                url=reverse("credit:mine"),
                action=_("Why my score"),
                when=rating.as_of if rating else None,
                overdue=bool(rating and rating.blacklisted),
                note=_("On the blacklist") if rating and rating.blacklisted else "",
            )
        ]
        answers = credit_selectors.survey_answers_by_estate(estates, year)
        surveys = [
            Item(
                label=e.name,
                url=reverse("credit:mine"),
                action=_("My credit records"),
                detail=_("%(n)s answers to the %(year)s survey")
                % {"n": answers.get(e.pk, 0), "year": year},
            )
            for e in estates
        ]
        revenue = _revenue_entry_group(user, estates, today)
        places = [
            (_("Shared revenue"), reverse("revenue:home")),
            (_("Credit records"), reverse("credit:mine")),
            (_("Project managers"), f"{reverse('credit:managers_mine')}?company={company.pk}"),
            (_("Fund requests"), reverse("fund:requests")),
            (_("Estates"), reverse("registry:estate_list")),
            (_("Company overview"), reverse("dashboards:company")),
        ]
        if company.credit_code:
            places.append(
                (_("Public credit page"), reverse("credit:company", args=[company.credit_code]))
            )
        out.append(
            Section(
                role="company",
                title=_("Property company"),
                subtitle=company.name,
                groups=[
                    Group(
                        "records",
                        _("Credit records within the objection window"),
                        records,
                        empty=_("No record awaits the objection window."),
                        more_url=reverse("credit:mine"),
                        more_text=_("My credit records"),
                    ),
                    Group(
                        "fund_requests",
                        _("Fund requests filed and their next step"),
                        requests,
                        empty=_("No fund request in progress."),
                        more_url=reverse("fund:requests"),
                        more_text=_("All fund requests"),
                    ),
                    *([revenue] if revenue else []),
                    _claims_group(estates),
                    Group("rating", _("Rating"), rating_items),
                    Group("estates", _("Estates"), estate_items, empty=_("No estate.")),
                    Group(
                        "surveys_running",
                        _("Satisfaction survey in its estates"),
                        surveys,
                        empty=_("No estate."),
                    ),
                    _votes_group(
                        voting_selectors.votes_in_scope(Q(estate__in=estates)),
                        title=_("Votes in its estates"),
                    ),
                ],
                places=places,
            )
        )
    return out


# ---- street office and residents' committee ----------------------------------------------------


def local_government_section(user) -> Section | None:
    mine = [g for g in grants(user) if g.kind in LOCAL_GOVERNMENT]
    if not mine:
        return None
    today = _today()
    kinds = sorted({g.kind for g in mine})
    org_ids = {g.organisation_id for g in mine}
    requests = [
        _fund_item(r, today, action=_("Review"))
        for r in fund_selectors.requests_to_review(user).filter(
            scope_q(user, "estate__jurisdiction__path", kinds=kinds)
        )
    ]
    estates = registry_selectors.Estate.objects.filter(
        scope_q(user, "jurisdiction__path", kinds=kinds)
    )
    disputes = [
        Item(
            label=d.claim.estate.name,
            url=reverse("registry:dispute_review", args=[d.claim.estate.code, d.pk]),
            action=_("Decide"),
            detail=_("Dispute of a verification"),
            when=d.filed_at,
        )
        for d in registry_selectors.open_claim_disputes(estates)
    ] + [
        Item(
            label=d.vote.title,
            url=reverse("voting:disputes", args=[d.vote_id]),
            action=_("Decide"),
            detail=_("Dispute of a ballot"),
            when=d.filed_at,
        )
        for d in voting_selectors.open_ballot_disputes(
            scope_q(user, "vote__estate__jurisdiction__path", kinds=kinds)
        )
    ]
    disputes.sort(key=lambda i: i.when)
    votes = _votes_group(
        voting_selectors.votes_in_scope(scope_q(user, "estate__jurisdiction__path", kinds=kinds))
    )
    notice_items, places = _notice_drafts(org_ids)
    node = Jurisdiction.objects.filter(path=highest_level_path(user, kinds=kinds)).first()
    places += [
        (_("Estates"), reverse("registry:estate_list")),
        (_("Fund requests"), reverse("fund:requests")),
        (_("Votes"), reverse("voting:list")),
        (_("Add a credit record"), reverse("credit:record_add")),
        (_("Shared revenue"), reverse("revenue:home")),
        (_("Estates late with shared revenue"), reverse("revenue:late")),
        (_("Complaint tickets without estate"), reverse("credit:complaints_unmatched")),
        (_("Complaints per 1,000 units"), reverse("credit:complaints")),
    ]
    unmatched = complaint_selectors.unmatched_tickets(scope_q(user, "node__path", kinds=kinds))
    tickets = [
        Item(
            label=f"{t.number} · {t.category}",
            url=reverse("credit:complaints_unmatched"),
            action=_("Assign"),
            detail=t.address,
            when=t.received_at,
        )
        for t in unmatched[:SHOWN]
    ]
    if node is not None:
        places.append(
            (
                _("Supervision dashboard"),
                reverse("dashboards:node", args=[node.code]),
            )
        )
    return Section(
        role="street",
        title=_("Street office / residents' committee"),
        subtitle=node.name if node else "",
        groups=[
            Group(
                "fund_review",
                _("Fund requests to review"),
                requests,
                empty=_("No fund request awaits review."),
                more_url=reverse("fund:requests"),
                more_text=_("All fund requests"),
            ),
            Group("disputes", _("Disputes to decide"), disputes, empty=_("No open dispute.")),
            Group(
                "complaints_unmatched",
                _("Complaint tickets to assign to an estate"),
                tickets,
                empty=_("No complaint ticket waits for an estate."),
                more_url=reverse("credit:complaints_unmatched"),
                more_text=_("Tickets without estate"),
                total=unmatched.count(),
            ),
            *(
                [_objections_to_rule_group(user, [OrgKind.STREET_OFFICE])]
                if OrgKind.STREET_OFFICE in kinds
                else []
            ),
            Group(
                "notice_drafts", _("Notices to draft"), notice_items, empty=_("No notice in draft.")
            ),
            _revenue_late_group(estates.select_related("company"), today),
            votes,
            _estates_group(estates),
        ],
        places=places,
    )


def _estates_group(estates) -> Group:
    """The estates of the area (information), each opening its maintenance fund (ledgers,
    statements, requests); the registry is under "Estates"."""
    estates = list(estates.select_related("jurisdiction").order_by("code")[:50])
    return Group(
        "estates",
        _("Estates"),
        [
            Item(
                label=e.name,
                url=reverse("fund:estate", args=[e.code]),
                action=_("The estate's fund"),
            )
            for e in estates
        ],
        empty=_("No estate."),
        more_url=reverse("registry:estate_list"),
        more_text=_("Registry"),
    )


def _notice_drafts(org_ids) -> tuple[list[Item], list[tuple[str, str]]]:
    items = [
        Item(
            label=page.title,
            url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
            action=_("Edit"),
            detail=page.organisation.name if page.organisation_id else "",
            when=page.latest_revision_created_at,
        )
        for page in cms_selectors.notice_drafts(org_ids)
    ]
    places = [
        (
            _("Write a notice: %(section)s") % {"section": index.title},
            reverse("wagtailadmin_pages:add", args=["cms", "noticepage", index.pk]),
        )
        for index in cms_selectors.notice_sections_of(org_ids)
    ]
    return items, places


# ---- housing bureau (district and city) ---------------------------------------------------------


def bureau_section(user) -> Section | None:
    mine = [g for g in grants(user) if g.kind in ROLE_ORG_KINDS[BUREAU]]
    if not mine:
        return None
    today = _today()
    path = highest_level_path(user, kinds=[OrgKind.BUREAU])
    node = Jurisdiction.objects.get(path=path)
    notices = [
        Item(
            label=page.title,
            url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
            action=_("Review"),
            detail=page.organisation.name if page.organisation_id else "",
            when=submitted,
        )
        for page, submitted in cms_selectors.notices_awaiting_review(user)
    ]
    objections = [
        Item(
            label=f"{o.record.company.name} · {o.record.item.description}",
            url=reverse("credit:objection", args=[o.pk]),
            action=_("Rule"),
            when=o.filed_at,
        )
        for o in credit_selectors.open_objections()
        if user.has_perm("credit.rule_objection", o)
    ]
    supervised = [
        Item(
            label=r.company.name,
            url=reverse("credit:company", args=[r.company.credit_code])
            if r.company.credit_code
            else reverse("credit:supervision"),
            action=_("Open"),
            detail=f"{r.score} · {r.grade}",
            overdue=r.blacklisted,
            note=_("On the blacklist") if r.blacklisted else "",
        )
        for r in credit_selectors.supervision_list_of_place(path if node.depth > 1 else "")
    ]
    requests = [
        _fund_item(r, today, action=_("Review"))
        for r in fund_selectors.requests_to_review(user).filter(
            scope_q(user, "estate__jurisdiction__path", kinds=[OrgKind.BUREAU])
        )
    ]
    area = scope_q(user, "estate__jurisdiction__path", kinds=[OrgKind.BUREAU])
    level = _("City housing bureau") if node.depth == 1 else _("District housing bureau")
    return Section(
        role="bureau",
        title=level,
        subtitle=node.name,
        groups=[
            Group(
                "notices_review",
                _("Notices awaiting approval"),
                notices,
                empty=_("No notice awaits approval."),
            ),
            Group(
                "objections",
                _("Objections to rule"),
                objections,
                empty=_("No objection to rule."),
                more_url=reverse("credit:objections"),
                more_text=_("All objections"),
            ),
            Group(
                "fund_review",
                _("Fund requests to review"),
                requests,
                empty=_("No fund request awaits review."),
            ),
            _objections_to_rule_group(user, [OrgKind.BUREAU]),
            Group(
                "supervision",
                _("Companies on the supervision list"),
                supervised,
                empty=_("No company is on the supervision list."),
                more_url=reverse("credit:supervision"),
                more_text=_("Supervision list"),
            ),
            _votes_group(voting_selectors.votes_in_scope(area)),
            _estates_group(
                registry_selectors.Estate.objects.filter(
                    scope_q(user, "jurisdiction__path", kinds=[OrgKind.BUREAU])
                )
            ),
        ],
        places=[
            (
                _("Supervision dashboard"),
                reverse("dashboards:node", args=[node.code]),
            ),
            (_("Estates"), reverse("registry:estate_list")),
            (_("Fund requests"), reverse("fund:requests")),
            (_("Add a credit record"), reverse("credit:record_add")),
            (_("Project managers"), reverse("credit:managers")),
            (_("Credit objections"), reverse("credit:objections")),
            (_("Publish ratings"), reverse("credit:publish")),
            (_("Shared revenue"), reverse("revenue:home")),
            (_("Estates late with shared revenue"), reverse("revenue:late")),
            (_("Import complaint tickets"), reverse("credit:complaints_import")),
            (_("Complaints and rules"), reverse("credit:complaints")),
        ],
    )


# ---- owner ------------------------------------------------------------------------------------


def owner_section(user) -> Section | None:

    units = list(registry_selectors.units_of_user(user).order_by("estate__code", "code"))
    claims = [
        c
        for c in registry_selectors.claims_of_user(user)
        if c.status in (ClaimStatus.PENDING, ClaimStatus.REJECTED)
    ]
    if OWNER not in roles_of(user):
        return None  # staff without a home in the portal's estates
    today = _today()
    now = timezone.now()
    year = today.year
    unit_items = [
        Item(
            label=f"{u.estate.name} {u.code}",
            url=reverse("registry:my_property"),
            action=_("My property"),
            detail=f"{format_area(u.area)} · {pgettext('ownership claim status', 'Verified')}",
        )
        for u in units
    ] + [
        Item(
            label=f"{c.estate.name} " + ", ".join(u.code for u in c.units.all()),
            url=reverse("registry:claim_list"),
            action=_("My claims"),
            detail=c.get_status_display(),
            when=c.submitted_at,
        )
        for c in reversed(claims)
    ]
    estates = list(registry_selectors.estates_of_user(user).order_by("code"))
    votes, receipts, results = [], [], []
    for estate in estates:
        parties = list(registry_selectors.parties_of_user(user, estate))
        estate_votes = list(
            voting_selectors.votes_for_estate(estate)
            .filter(status__in=("open", "closed", "counted", "publicised", "final", "set_aside"))
            .order_by("-opens_at")[:10]
        )
        # Every vote's entries of the owner's parties at once (not two queries a vote).
        entries_of = voting_selectors.parties_entries(estate_votes, parties)
        for vote in estate_votes:
            entries = [e for p in parties for e in entries_of.get((vote.pk, p.pk), [])]
            if vote.status == "open":
                voted = bool(entries)
                votes.append(
                    Item(
                        label=vote.title,
                        url=reverse("voting:my_vote" if voted else "voting:cast", args=[vote.pk]),
                        action=_("My vote and receipt") if voted else _("Vote now"),
                        detail=_("closes %(date)s") % {"date": _date(vote.closes_at).isoformat()},
                        when=vote.closes_at,
                        soon=not voted
                        and vote.closes_at - now <= timedelta(days=VOTE_CLOSING_SOON_DAYS),
                        note=_("Voted") if voted else "",
                    )
                )
            if vote.status in ("counted", "publicised", "final", "set_aside"):
                results.append(
                    Item(
                        label=vote.title,
                        url=reverse("voting:detail", args=[vote.pk]),
                        action=_("Result and board"),
                        detail=vote.get_status_display(),
                        when=vote.counted_at,
                    )
                )
            if entries:
                latest = entries[-1]
                receipts.append(
                    Item(
                        label=vote.title,
                        url=reverse("voting:receipt") + f"?vote={vote.pk}&code={latest.receipt}",
                        action=_("Check the receipt"),
                        detail=latest.receipt,
                        when=latest.time,
                    )
                )
    votes.sort(key=lambda i: i.when)
    accounts = list(fund_selectors.owner_accounts(user))
    fund = [
        Item(
            label=f"{a.estate.name} {a.unit.code}",
            url=reverse("fund:ledger", args=[a.pk]),
            action=_("Ledger"),
            detail=format_money(a.balance),
            overdue=bool(a.refill_due),
            note=_("Refill due") if a.refill_due else "",
        )
        for a in accounts
    ]
    shares = [
        Item(
            label=s.request.title,
            url=reverse("fund:request", args=[s.request_id]),
            action=_("Open"),
            detail=f"{s.unit.code} · {format_money(s.amount)}",
            when=s.request.publicity_starts,
        )
        for s in fund_selectors.owner_charges(user)[:5]
    ]
    # Whether each party answered the survey and rated its company: two EXISTS in the
    # parties' query, not a query each.
    parties = list(
        complaint_selectors.with_rated(
            credit_selectors.with_survey_answered(
                registry_selectors.parties_of_user(user).select_related("estate"), year
            ),
            today,
        )
    )
    surveys = [
        Item(
            label=p.estate.name,
            url=reverse("credit:survey"),
            action=_("Answer the survey"),
            detail=_("Satisfaction survey %(year)s") % {"year": year},
        )
        for p in credit_selectors.survey_parties_unanswered(parties, year)
    ]
    rating_year, rating_quarter = complaint_selectors.current_quarter(today)
    surveys += [
        Item(
            label=p.estate.name,
            url=reverse("credit:rate"),
            action=_("Rate the company"),
            detail=_("Quarterly rating %(period)s")
            % {"period": quarter_label(rating_year, rating_quarter)},
        )
        for p in complaint_selectors.parties_to_rate(parties, today)
    ]
    notices, seen = [], set()
    for estate in estates:
        for page in cms_selectors.notices_for_estate(estate, limit=5):
            if page.pk not in seen:
                seen.add(page.pk)
                notices.append(
                    Item(
                        label=page.title,
                        url=page.url,
                        action=_("Read"),
                        when=page.publication_date,
                    )
                )
    start = None
    if not units and not claims:
        start = {
            "text": _(
                "You have no verified unit yet. Claim your unit with your identity card number and "
                "the real estate certificate number: when both match the registry it is verified "
                "at once; otherwise the owners' committee or the property company checks it. Then "
                "your votes, receipts and fund ledger appear here."
            ),
            "url": reverse("registry:claim_new"),
            "action": _("Claim your unit"),
        }
    return Section(
        role="owner",
        title=pgettext("owner of a unit", "Owner"),
        groups=[
            Group(
                "votes", _("Votes open to me"), votes, empty=_("No vote is open in your estates.")
            ),
            Group("surveys", _("Surveys to answer"), surveys, empty=_("No survey to answer.")),
            Group(
                "units",
                _("My units and their verification"),
                unit_items,
                empty=_("No unit yet."),
                more_url=reverse("registry:claim_new"),
                more_text=_("Claim a unit"),
            ),
            Group(
                "receipts",
                _("My receipts"),
                receipts,
                empty=_("No receipt yet."),
                more_url=reverse("voting:receipt"),
                more_text=_("Check a receipt"),
            ),
            Group(
                "fund",
                _("My fund balance"),
                fund,
                empty=_("No fund ledger yet."),
                more_url=reverse("fund:my"),
                more_text=_("My maintenance fund"),
            ),
            Group("shares", _("My shares of recent works"), shares, empty=_("No recent works.")),
            Group(
                "results",
                _("Results of my estate"),
                results,
                empty=_("No result yet."),
                more_url=reverse("voting:list"),
                more_text=_("All votes"),
            ),
            Group(
                "notices",
                _("Notices of my estate"),
                notices,
                empty=_("No notice."),
                more_url="/notices/",
                more_text=_("All notices"),
            ),
        ]
        if not start
        else [],
        places=[
            (_("My property"), reverse("registry:my_property")),
            (_("My overview"), reverse("dashboards:me")),
            (_("My maintenance fund"), reverse("fund:my")),
            (_("Votes"), reverse("voting:list")),
            (_("Votes of every estate"), reverse("voting:public_index")),
            (_("Check a receipt"), reverse("voting:receipt")),
            (_("Shared revenue"), reverse("revenue:home")),
            *([(_("Satisfaction survey"), reverse("credit:survey"))] if parties else []),
            *([(_("Rate my property company"), reverse("credit:rate"))] if parties else []),
            *[
                (
                    _("Maintenance fund of %(estate)s") % {"estate": e.name},
                    reverse("fund:estate", args=[e.code]),
                )
                for e in estates
            ],
            *[
                (
                    _("Shared revenue of %(estate)s") % {"estate": e.name},
                    reverse("revenue:estate", args=[e.code]),
                )
                for e in estates
            ],
        ],
        start=start,
    )


def trustee_section(user) -> Section | None:
    """A vote's key to make, or its count to open, for whoever was named its trustee (any role:
    committee member, street officer, owner scrutineer); only while something awaits them."""
    items = []
    for t in voting_selectors.trustee_duties(user)[:50]:
        vote = t.vote
        if vote.status == "draft":
            items.append(
                Item(
                    label=vote.title,
                    url=reverse("voting:trustee_key", args=[vote.pk]),
                    action=_("Make your key"),
                    detail=vote.estate.name,
                    due=vote.opens_at,
                )
            )
        else:
            items.append(
                Item(
                    label=vote.title,
                    url=reverse("voting:trustee_open", args=[vote.pk]),
                    action=_("Open the count"),
                    detail=vote.estate.name,
                    when=vote.closed_at,
                )
            )
    if not items:
        return None
    return Section(
        role="trustee",
        title=_("Trustee of a vote's key"),
        groups=[Group("trustee", _("Vote keys awaiting you"), items)],
    )


def for_user(user) -> list[Section]:
    """Every section of the person's workbench: their organisations' first, then their own;
    a vote's key awaiting them as its trustee comes before all."""
    roles = roles_of(user)  # the one answer to "who is this person" (portal.permissions)
    sections: list[Section] = []
    trustee = trustee_section(user)
    if trustee is not None:
        sections.append(trustee)
    if COMMITTEE in roles:
        sections += committee_sections(user)
    if COMPANY in roles:
        sections += company_sections(user)
    for role, build in (
        (STREET, local_government_section),
        (BUREAU, bureau_section),
        (OWNER, owner_section),
    ):
        section = build(user) if role in roles else None
        if section is not None:
            sections.append(section)
    return sections
