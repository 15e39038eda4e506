"""Pages under /votes/. Thin: load the vote once, check perm (role AND estate) and state, call a
service, render. No page ever shows counts by choice before the vote is counted (there are none
to show: choices are sealed)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal.core.errors import add_to_form, message_text
from portal.core.uploads import extension, private_storage, serve_private_file
from portal.organisations.models import OrgKind
from portal.permissions import gate, organisation_ids, scope_q
from property.registry.models import Estate, OwnerParty
from property.registry.selectors import estates_of_user, is_suspended, parties_of_user

from . import canvass, reminder_services, selectors, services
from .board import BOARD_STATUSES as PUBLIC_BOARD_STATUSES
from .board import export_available as board_export_available
from .forms import (
    BallotDisputeForm,
    CancelForm,
    CastForm,
    DisputeDecisionForm,
    ExtendForm,
    ObjectionForm,
    ObjectionRulingForm,
    PaperForm,
    ProxyForm,
    VoteForm,
)
from .models import (
    BallotDispute,
    BallotDisputeStatus,
    BoardEntry,
    Channel,
    Objection,
    ObjectionStatus,
    PaperBallot,
    ProxyAuthorization,
    ProxyStatus,
    Vote,
    VoteAttachment,
    VoteElector,
    VoteStatus,
)
from .presentation import percent, result_lines

# The gate of every page of one vote: ``perm`` on the vote (``pk``), and, if given, its status.
# ``perm=None`` only for a view that decides who may act itself, before doing anything, from a
# narrower test than any permission (``cast``: the parties the user may cast for now).
vote_view = partial(
    gate,
    model=Vote,
    queryset=lambda: Vote.objects.select_related("estate__jurisdiction"),
    state_message=gettext_lazy("This is not possible at this stage of the vote."),
    state_redirect="voting:detail",
)


def _own_parties(user, vote: Vote) -> list[OwnerParty]:
    """The frozen parties the user may cast for themselves (``selectors.castable_electors``),
    each labelled for them: a buyer sees the frozen units, not the seller's name. Asked for
    more than once on a page (what they may cast, whose ballots they follow), it is read once
    per request: the vote is the gate's instance, loaded for this request."""
    memo = vote.__dict__.setdefault("_own_parties", {})
    if user.pk not in memo:
        memo[user.pk] = _labelled(selectors.castable_electors(user, vote))
    return memo[user.pk]


def _labelled(electors) -> list[OwnerParty]:
    parties = []
    for elector in electors:
        party = elector.party
        if elector.successor:
            party.label = _("Units %(units)s (frozen with their previous owner)") % {
                "units": "、".join(selectors.frozen_unit_codes(elector))
            }
        parties.append(party)
    return parties


def _castable(user, vote: Vote) -> list[tuple[OwnerParty, str]]:
    """(party, channel) the user may cast for now: own parties online, proxied parties by proxy.
    With both channels open, both are read in one query (``selectors.cast_options``: every
    ballot and every view of the vote page ask it)."""
    online, proxy = Channel.ONLINE in vote.channels, Channel.PROXY in vote.channels
    if online and proxy:
        memo = vote.__dict__.setdefault("_own_parties", {})
        electors, proxies = selectors.cast_options(user, vote)
        if user.pk not in memo:
            memo[user.pk] = _labelled(electors)
        own = memo[user.pk]
    else:
        own = _own_parties(user, vote) if online else []
        proxies = selectors.approved_proxies_for(vote, user) if proxy else []
    return [(p, Channel.ONLINE) for p in own] + [(a.party, Channel.PROXY) for a in proxies]


def _my_parties(user, vote: Vote) -> list[OwnerParty]:
    """The parties whose ballots the user may follow: those they may cast for now, and the
    frozen parties they belong to (a seller still sees the ballot they cast)."""
    parties = {p.pk: p for p in _own_parties(user, vote)}
    for elector in selectors.frozen_memberships(user, vote):
        parties.setdefault(elector.party_id, elector.party)
    return list(parties.values())


@gate(public=True)
def vote_list(request):
    """Signed in: the votes of the user's estates, area and proxies. A visitor: the public
    index of every estate's votes (the "Owner voting" link of the header leads here)."""
    if not request.user.is_authenticated:
        return public_index(request)
    user = request.user
    estates = list(estates_of_user(user))
    owner_votes = Vote.objects.filter(
        estate__in=estates, status__in=selectors.VISIBLE_TO_OWNERS
    ).select_related("estate")
    staff_q = scope_q(user, "estate__jurisdiction__path")
    staff_q |= scope_q(user, "estate__jurisdiction__path", kinds=[OrgKind.OWNERS_COMMITTEE])
    company_ids = organisation_ids(user, OrgKind.PROPERTY_COMPANY)
    if company_ids:
        staff_q |= Q(estate__company_id__in=company_ids) & ~Q(status=VoteStatus.DRAFT)
    staff_votes = selectors.votes_in_scope(staff_q).exclude(pk__in=owner_votes.values("pk"))
    organiser_estates = [
        e
        for e in Estate.objects.filter(
            scope_q(
                user, "jurisdiction__path", kinds=[OrgKind.OWNERS_COMMITTEE, OrgKind.STREET_OFFICE]
            )
        )[:50]
        if user.has_perm("voting.create_vote", e)
    ]
    return render(
        request,
        "voting/vote_list.html",
        {
            "owner_estates": estates,
            "owner_votes": owner_votes,
            "staff_votes": staff_votes[:200],
            "organiser_estates": organiser_estates,
            "proxy_votes": Vote.objects.filter(
                selectors.proxy_named(user, "proxies__"), proxies__status=ProxyStatus.APPROVED
            ).distinct(),
        },
    )


@vote_view("voting.view_vote")
def vote_detail(request, vote):
    user = request.user
    now = timezone.now()
    parties = []
    for party, channel in _castable(user, vote):
        ballot = selectors.ballot_of(vote, party)
        refusal = services.cast_refusal(actor=user, vote=vote, party=party, channel=channel)
        parties.append(
            {
                "party": party,
                "channel": channel,
                "ballot": ballot,
                "can_cast": refusal is None,
                "refusal": refusal,
            }
        )
    is_organiser = user.has_perm("voting.manage_vote", vote)
    mine = _my_parties(user, vote) if vote.status != VoteStatus.DRAFT else []
    context = {
        "vote": vote,
        "now": now,
        "attachments": vote.attachments.all(),
        "parties": parties,
        "entered": selectors.entered_for(vote, mine) if mine else [],
        "suspended": bool(mine) and is_suspended(user),
        "may_decide_disputes": user.has_perm("voting.decide_disputes", vote),
        "is_organiser": is_organiser,
        "may_cast": user.has_perm("voting.cast", vote),
        "can_cast": any(p["can_cast"] for p in parties),
        "has_ballot": any(p["ballot"] for p in parties),
        "trusteeship": vote.trustees.filter(user=user).first(),
    }
    if vote.status not in (VoteStatus.DRAFT, VoteStatus.SCHEDULED, VoteStatus.CANCELLED):
        t = selectors.turnout(vote)
        t["heads_percent"] = percent(t["heads"], t["total_heads"])
        t["area_percent"] = percent(t["area"], t["total_area"])
        context["turnout"] = t
        context["board_size"] = selectors.board_size(vote)
    if is_organiser:
        if vote.status != VoteStatus.DRAFT:
            context["channel_totals"] = selectors.channel_totals(vote)
        context["pending_proxies"] = vote.proxies.filter(status=ProxyStatus.PENDING).count()
        context["objections"] = vote.objections.all()
    context["result"] = selectors.final_result(vote)
    context["set_aside"] = selectors.set_aside_ruling(vote)
    context["my_objections"] = (
        selectors.objections_of(user, vote)
        if vote.status in (VoteStatus.PUBLICISED, VoteStatus.FINAL, VoteStatus.SET_ASIDE)
        else []
    )
    context["may_rule"] = user.has_perm("voting.rule_objection", vote)
    _add_participation(context, user, vote, now)
    context["may_view_delivery"] = user.has_perm("voting.view_delivery", vote)
    return render(request, "voting/vote_detail.html", context)


def _add_participation(context: dict, user, vote: Vote, now) -> None:
    """Turnout over time while open (everyone who sees the vote), the reminder schedule (the
    organiser), the way to the canvass list (committee and street office)."""
    if vote.status == VoteStatus.OPEN:
        series = canvass.turnout_over_time(vote, now=now)
        if series is not None:
            context["turnout_time"] = canvass.turnout_view(series, channels=list(vote.channels))
        context["may_canvass"] = user.has_perm("voting.canvass", vote)
        if context["is_organiser"]:
            context["reminders"] = reminder_services.reminder_schedule(vote, now=now)


@vote_view("voting.view_vote")
def attachment(request, vote, att_id):
    att = get_object_or_404(VoteAttachment, pk=att_id, vote=vote)
    return serve_private_file(request, att.file)


@vote_view(None, statuses=(VoteStatus.OPEN,), queryset=Vote.objects.all)
def cast(request, vote):
    # Who may cast: an owner for their own parties in the frozen electorate (online), a proxy for
    # the parties of their approved authorizations; both imply "voting.cast" on an open vote, so
    # that check is not repeated (it would cost a query on every ballot). Nothing here reads the
    # vote's estate or its node: the vote is loaded without them (two joins and two objects
    # fewer on every ballot).
    options = _castable(request.user, vote)
    if not options:
        raise PermissionDenied
    channel_of = {p.pk: c for p, c in options}
    parties = [p for p, _ in options]
    form = CastForm(request.POST or None, parties=parties)
    if request.method == "POST" and form.is_valid():
        party = next(p for p in parties if p.pk == form.cleaned_data["party"])
        choice = form.cleaned_data["choice"]
        if request.POST.get("confirm") != "1":
            return render(
                request,
                "voting/cast_confirm.html",
                {
                    "vote": vote,
                    "party": party,
                    "choice": choice,
                    "form": form,
                    "choice_label": dict(form.fields["choice"].choices)[choice],
                    "ballot": selectors.ballot_of(vote, party),
                },
            )
        try:
            entry = services.ballot_cast(
                actor=request.user,
                vote=vote,
                party=party,
                choice=choice,
                channel=channel_of[party.pk],
            )
        except services.VoteError as exc:
            messages.error(request, message_text(exc))
            return redirect("voting:detail", vote.pk)
        messages.success(
            request,
            _("Your ballot is on the board. Vote number %(vote)s, receipt code %(code)s.")
            % {"vote": vote.pk, "code": entry.receipt},
        )
        return redirect("voting:my_vote", vote.pk)
    return render(request, "voting/cast.html", {"vote": vote, "form": form})


@vote_view("voting.view_vote")
def my_vote(request, vote):
    rows = []
    castable = _castable(request.user, vote)
    seen = {p.pk for p, _c in castable}
    castable += [(p, None) for p in _my_parties(request.user, vote) if p.pk not in seen]
    for party, channel in castable:
        rows.append(
            {
                "party": party,
                "channel": channel,
                "ballot": selectors.ballot_of(vote, party),
                "entries": selectors.party_entries(vote, party),
                "area_receipt": selectors.area_receipt(vote, party),
            }
        )
    if not rows:
        raise PermissionDenied
    return render(request, "voting/my_vote.html", {"vote": vote, "rows": rows})


# --- public pages: anyone, signed in or not ------------------------------------------------------

PUBLIC_INDEX_PAGE_SIZE = 50


@require_GET
@gate(public=True)
def public_index(request):
    """Every estate with a public vote (notice published or later), with how many are open and
    how many have a result: one click to the estate's votes."""
    query = request.GET.get("q", "").strip()[:60]
    estates = selectors.estates_with_public_votes()
    if query:
        estates = estates.filter(Q(name__icontains=query) | Q(code__iexact=query))
    page = Paginator(estates, PUBLIC_INDEX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "voting/public_index.html", {"page": page, "query": query, "estates": page}
    )


@require_GET
@gate(public=True)
def public_estate(request, estate_code):
    """The votes of one estate and their status; once counted, links to the result, the board,
    its export and the signed result PDF. Nothing about an open vote's choices (there is none
    to show: they are sealed); turnout stays on the vote's own page."""
    estate = get_object_or_404(Estate, code=estate_code)
    votes = list(selectors.public_votes(estate))
    for v in votes:
        v.viewable = request.user.is_authenticated and request.user.has_perm("voting.view_vote", v)
        v.board_public = v.status in PUBLIC_BOARD_STATUSES
    return render(request, "voting/public_estate.html", {"estate": estate, "votes": votes})


# --- organiser pages ---------------------------------------------------------------------------


@gate("voting.create_vote", model=Estate, lookup="code", kwarg="estate_code")
def vote_create(request, estate):
    organisations = _vote_organisations(estate)
    form = VoteForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            vote = services.vote_create(
                actor=request.user,
                estate=estate,
                **_vote_fields(d),
            )
            if d.get("attachment"):
                services.attachment_add(actor=request.user, vote=vote, file=d["attachment"])
        except services.VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The vote was created as a draft."))
            return redirect("voting:detail", vote.pk)
    return render(
        request,
        "voting/form.html",
        {
            "form": form,
            "title": _("New vote in %(estate)s") % {"estate": estate.name},
            "multipart": True,
        },
    )


def _vote_organisations(estate) -> list:
    """The organisations a vote may name as concerned: the estate's company and committee."""
    return [o for o in (estate.company, estate.owners_committee()) if o is not None]


def _vote_fields(d: dict) -> dict:
    """A vote form's cleaned data as the arguments of ``vote_create``/``vote_update_draft``."""
    keys = ("title", "matter", "motion", "opens_at", "closes_at", "allow_change", "channels")
    return {
        **{k: d[k] for k in keys},
        "list_voted_units": bool(d.get("list_voted_units")),
        "notice_at": d.get("notice_at"),
        "concerns": d.get("concerns"),
    }


@vote_view("voting.manage_vote", statuses=(VoteStatus.DRAFT,))
def vote_edit(request, vote):
    """Edit a draft (title, matter, motion, dates, channels): whoever may create the estate's
    votes. Once scheduled the notice is published: refused here and by the service."""
    estate = vote.estate
    organisations = _vote_organisations(estate)
    local = timezone.localtime
    initial = {
        "title": vote.title,
        "matter": vote.matter,
        "motion": vote.motion,
        "notice_at": local(vote.notice_at) if vote.notice_at else None,
        "opens_at": local(vote.opens_at),
        "closes_at": local(vote.closes_at),
        "allow_change": vote.allow_change,
        "channels": list(vote.channels),
        "concerns": vote.concerns_id or "",
        "list_voted_units": vote.list_voted_units,
    }
    form = VoteForm(
        request.POST or None, request.FILES or None, organisations=organisations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.vote_update_draft(
                actor=request.user,
                vote=vote,
                **_vote_fields(d),
            )
            if d.get("attachment"):
                services.attachment_add(actor=request.user, vote=vote, file=d["attachment"])
        except services.VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("voting:detail", vote.pk)
    return render(
        request,
        "voting/form.html",
        {
            "form": form,
            "title": _("Edit the draft vote"),
            "vote": vote,
            "multipart": True,
            "intro": _(
                "A draft can be changed until its notice is published (scheduling). Owners "
                "do not see drafts."
            ),
        },
    )


@require_POST
@vote_view("voting.manage_vote", statuses=(VoteStatus.DRAFT,))
def schedule(request, vote):
    try:
        services.vote_schedule(actor=request.user, vote=vote)
        messages.success(request, _("The notice is published and the vote scheduled."))
    except services.VoteError as exc:
        messages.error(request, message_text(exc))
    return redirect("voting:detail", vote.pk)


@vote_view("voting.manage_vote", statuses=(VoteStatus.OPEN,))
def extend(request, vote):
    form = ExtendForm(request.POST or None, initial={"closes_at": vote.closes_at})
    if request.method == "POST" and form.is_valid():
        try:
            services.vote_extend(
                actor=request.user,
                vote=vote,
                closes_at=form.cleaned_data["closes_at"],
                reason=form.cleaned_data["reason"],
            )
        except services.VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The vote was extended."))
            return redirect("voting:detail", vote.pk)
    return render(
        request, "voting/form.html", {"form": form, "title": _("Extend the vote"), "vote": vote}
    )


@vote_view("voting.manage_vote", statuses=(VoteStatus.DRAFT, VoteStatus.SCHEDULED))
def cancel(request, vote):
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vote_cancel(actor=request.user, vote=vote, reason=form.cleaned_data["reason"])
        except services.VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The vote was cancelled."))
            return redirect("voting:detail", vote.pk)
    return render(
        request, "voting/form.html", {"form": form, "title": _("Cancel the vote"), "vote": vote}
    )


_PAPER_SALT = "voting.paper.replace"


def _paper_allowed(vote) -> None:
    if Channel.PAPER not in vote.channels:
        raise Http404


def _paper_candidate(request, vote):
    raw = request.POST.get("party") or request.GET.get("party") or ""
    if not raw.isdigit():
        return None
    candidate = selectors.paper_candidate(vote, int(raw))
    if candidate is None:
        raise Http404
    candidate["refusal"] = services.cast_refusal(
        actor=request.user, vote=vote, party=candidate["party"], channel=Channel.PAPER
    )
    return candidate


def _stash_scan(request, vote, party, choice, scan, replaces) -> str:
    """Keep the uploaded scan until the committee confirms the replacement; the signed token
    names it, the party, the choice and the entry it replaces."""
    path = services.paper_scan_stash(vote=vote, scan=scan)
    return signing.dumps(
        {
            "vote": vote.pk,
            "party": party.pk,
            "choice": choice,
            "path": path,
            "replaces": replaces,
            "user": request.user.pk,
        },
        salt=_PAPER_SALT,
    )


def _paper_entered(request, vote, party, entry):
    messages.success(
        request,
        _("Paper ballot entered for %(party)s. Vote number %(vote)s, receipt code %(code)s.")
        % {"party": party.label, "vote": vote.pk, "code": entry.receipt},
    )
    return redirect("voting:paper", vote.pk)


def _paper_confirmed(request, vote, candidate):
    """Second step: the committee saw what the paper ballot replaces and confirmed it."""
    try:
        pending = signing.loads(
            request.POST.get("token", ""),
            salt=_PAPER_SALT,
            max_age=services.PAPER_PENDING_MAX_AGE.total_seconds(),
        )
    except signing.BadSignature:
        messages.error(request, _("The confirmation expired: enter the paper ballot again."))
        return redirect(f"{reverse('voting:paper', args=[vote.pk])}?party={candidate['party'].pk}")
    if (
        pending["vote"] != vote.pk
        or pending["party"] != candidate["party"].pk
        or pending["user"] != request.user.pk
    ):
        raise PermissionDenied
    storage = private_storage()
    path = pending["path"]
    if request.POST.get("confirm") != "1":
        storage.delete(path)
        messages.info(request, _("Nothing was entered: the earlier ballot stands."))
        return redirect("voting:paper", vote.pk)
    if not storage.exists(path):
        messages.error(request, _("The confirmation expired: enter the paper ballot again."))
        return redirect(f"{reverse('voting:paper', args=[vote.pk])}?party={candidate['party'].pk}")
    party = candidate["party"]
    try:
        with storage.open(path, "rb") as handle:
            entry = services.ballot_cast(
                actor=request.user,
                vote=vote,
                party=party,
                choice=pending["choice"],
                channel=Channel.PAPER,
                scan=File(handle, name=path.rsplit("/", 1)[-1]),
                replaces=pending["replaces"],
            )
    except services.VoteError as exc:
        messages.error(request, message_text(exc))
        return redirect(f"{reverse('voting:paper', args=[vote.pk])}?party={party.pk}")
    finally:
        storage.delete(path)
    return _paper_entered(request, vote, party, entry)


@vote_view("voting.enter_paper", statuses=(VoteStatus.OPEN,))
def paper(request, vote):
    """Enter a paper ballot: find the party (unit code, building and room, or name; as you
    type with JS, by the search form without), check its units and area, enter the choice
    and the scan. A party that already has a ballot: a second step shows what the paper
    ballot replaces and asks to confirm (the service refuses a replacement without it)."""
    _paper_allowed(vote)
    candidate = _paper_candidate(request, vote)
    query = request.GET.get("q", "").strip()[:60]
    parties = [candidate["party"]] if candidate else []
    if request.method == "POST":
        if candidate is None:
            raise Http404
        if request.POST.get("step") == "confirm":
            return _paper_confirmed(request, vote, candidate)
        form = PaperForm(request.POST, request.FILES, parties=parties)
        if form.is_valid():
            party, choice = candidate["party"], form.cleaned_data["choice"]
            current = candidate["current"]
            if current is not None and candidate["refusal"] is None:
                token = _stash_scan(
                    request, vote, party, choice, form.cleaned_data["scan"], current.n
                )
                return render(
                    request,
                    "voting/paper_confirm.html",
                    {
                        "vote": vote,
                        "candidate": candidate,
                        "current": current,
                        "choice_label": dict(form.fields["choice"].choices)[choice],
                        "token": token,
                    },
                )
            try:
                entry = services.ballot_cast(
                    actor=request.user,
                    vote=vote,
                    party=party,
                    choice=choice,
                    channel=Channel.PAPER,
                    scan=form.cleaned_data["scan"],
                )
            except services.VoteError as exc:
                add_to_form(form, exc)
            else:
                return _paper_entered(request, vote, party, entry)
    else:
        form = PaperForm(
            parties=parties, initial={"party": candidate["party"].pk} if candidate else {}
        )
    return render(
        request,
        "voting/paper.html",
        {
            "vote": vote,
            "form": form,
            "candidate": candidate,
            "query": query,
            "results": selectors.paper_search(vote, query) if query and not candidate else None,
            "channel_totals": selectors.channel_totals(vote),
        },
    )


@require_GET
@vote_view("voting.enter_paper", statuses=(VoteStatus.OPEN,))
def paper_search(request, vote):
    """The parties matching ``q``, as an HTML fragment for the entry form's search as you type
    (``js/paper-search.js``); the same list the no-JS search form shows."""
    _paper_allowed(vote)
    query = request.GET.get("q", "").strip()[:60]
    return render(
        request,
        "voting/includes/paper_results.html",
        {"vote": vote, "query": query, "results": selectors.paper_search(vote, query)},
    )


@vote_view("voting.enter_paper")
def paper_scan(request, vote, paper_id):
    pb = get_object_or_404(PaperBallot, pk=paper_id, vote=vote)
    return serve_private_file(request, pb.scan, f"paper-ballot-{pb.pk}.{extension(pb.scan.name)}")


@vote_view("voting.cast", statuses=(VoteStatus.SCHEDULED, VoteStatus.OPEN))
def proxy_request(request, vote):
    if vote.status == VoteStatus.OPEN:
        parties = _own_parties(request.user, vote)
    else:  # no electorate before the vote opens: the owner's current parties
        parties = list(parties_of_user(request.user, vote.estate))
    if not parties:
        raise PermissionDenied
    form = ProxyForm(request.POST or None, request.FILES or None, parties=parties)
    if request.method == "POST" and form.is_valid():
        party = next(p for p in parties if p.pk == form.cleaned_data["party"])
        try:
            services.proxy_request(
                actor=request.user,
                vote=vote,
                party=party,
                proxy_phone=form.cleaned_data["proxy_phone"],
                document=form.cleaned_data["document"],
            )
        except services.VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your authorization was sent to the owners' committee. Once it is approved, "
                    "the person with that mobile number can cast your party's ballot after "
                    "signing in to the portal with it."
                ),
            )
            return redirect("voting:detail", vote.pk)
    return render(
        request,
        "voting/form.html",
        {
            "form": form,
            "title": _("Authorize a proxy"),
            "vote": vote,
            "multipart": True,
            "intro": _(
                "Upload your signed written authorization naming your proxy for this vote only, "
                "and give the proxy's mobile phone number: they sign in to the portal with it "
                "to cast. The owners' committee checks and approves the authorization."
            ),
        },
    )


@vote_view("voting.approve_proxy")
def proxies(request, vote):
    if request.method == "POST":
        auth = get_object_or_404(ProxyAuthorization, pk=request.POST.get("id"), vote=vote)
        try:
            services.proxy_decide(
                actor=request.user, authorization=auth, approve=request.POST.get("approve") == "1"
            )
            messages.success(request, _("Decision recorded."))
        except services.VoteError as exc:
            messages.error(request, message_text(exc))
        return redirect("voting:proxies", vote.pk)
    return render(
        request,
        "voting/proxies.html",
        {"vote": vote, "proxies": vote.proxies.select_related("party", "proxy", "requested_by")},
    )


@vote_view("voting.approve_proxy")
def proxy_document(request, vote, proxy_id):
    auth = get_object_or_404(ProxyAuthorization, pk=proxy_id, vote=vote)
    return serve_private_file(
        request, auth.document, f"proxy-{auth.pk}.{extension(auth.document.name)}"
    )


# --- result and objections -------------------------------------------------------------------


@gate(
    "voting.view_result",
    model=Vote,
    queryset=lambda: Vote.objects.select_related("estate__jurisdiction"),
    public=True,
)
def result(request, vote):
    """The result of a counted vote: public (DOMAIN.md §1: the result is published for
    objections; its PDF, board and export are public too). Before the count there is none."""
    figures = selectors.final_result(vote)
    if figures is None:
        raise Http404
    return render(
        request,
        "voting/result.html",
        {
            "vote": vote,
            "result": figures,
            "lines": result_lines(figures),
            "may_object": request.user.has_perm("voting.object", vote)
            and vote.status == VoteStatus.PUBLICISED
            and timezone.now() < vote.publicity_ends_at,
            "objections": vote.objections.all()
            if request.user.has_perm("voting.manage_vote", vote)
            else None,
            "set_aside": selectors.set_aside_ruling(vote),
            "objections_open": vote.status == VoteStatus.PUBLICISED
            and vote.objections.filter(status=ObjectionStatus.OPEN).exists(),
            "my_objections": selectors.objections_of(request.user, vote),
            "may_rule": request.user.is_authenticated
            and request.user.has_perm("voting.rule_objection", vote),
            "channel_totals": selectors.channel_totals(vote),
            "may_view_vote": request.user.is_authenticated
            and request.user.has_perm("voting.view_vote", vote),
            "export": board_export_available(vote),
        },
    )


@vote_view("voting.object", statuses=(VoteStatus.PUBLICISED,))
def objection(request, vote):
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_file(actor=request.user, vote=vote, text=form.cleaned_data["text"])
        except services.VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your objection was recorded."))
            return redirect("voting:result", vote.pk)
    return render(
        request,
        "voting/form.html",
        {"form": form, "title": _("Object to the result"), "vote": vote},
    )


# --- disputes of paper and proxy ballots ---------------------------------------------------------


@vote_view("voting.view_vote", statuses=services.DISPUTABLE_STATUSES)
def ballot_dispute(request, vote, n):
    """An owner disputes a paper or proxy ballot entered for their party."""
    entry = get_object_or_404(
        BoardEntry, vote=vote, n=n, channel__in=(Channel.PAPER, Channel.PROXY)
    )
    parties = {
        e.party_id: e.party
        for e in VoteElector.objects.filter(
            vote=vote, pseudonym=entry.entry["pseudonym"]
        ).select_related("party")
    }
    mine = [p for p in _my_parties(request.user, vote) if p.pk in parties]
    if not mine:
        raise PermissionDenied
    form = BallotDisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_dispute_file(
                actor=request.user,
                vote=vote,
                entry=entry,
                party=mine[0],
                statement=form.cleaned_data["statement"],
            )
        except services.VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your dispute was sent to the street office. While the vote is open, this "
                    "ballot no longer stands: cast your own ballot, and it counts instead."
                ),
            )
            return redirect("voting:detail", vote.pk)
    return render(
        request,
        "voting/form.html",
        {
            "form": form,
            "title": _("Dispute a ballot entered for your party"),
            "vote": vote,
            "intro": _(
                "%(channel)s ballot entered on %(time)s (board entry %(n)s). If you did not "
                "hand it in or authorize it, say so: the street office decides."
            )
            % {
                "channel": entry.get_channel_display(),
                "time": timezone.localtime(entry.time).strftime("%Y-%m-%d %H:%M"),
                "n": entry.n,
            },
        },
    )


@vote_view("voting.decide_disputes")
def disputes(request, vote):
    """The street office reads and decides the disputes of paper and proxy ballots."""
    rows = list(vote.ballot_disputes.select_related("entry", "party", "filed_by", "decided_by"))
    forms = {d.pk: DisputeDecisionForm(prefix=f"d{d.pk}") for d in rows}
    if request.method == "POST":
        dispute = get_object_or_404(BallotDispute, pk=request.POST.get("id"), vote=vote)
        form = forms[dispute.pk] = DisputeDecisionForm(request.POST, prefix=f"d{dispute.pk}")
        if form.is_valid():
            try:
                services.ballot_dispute_decide(
                    actor=request.user,
                    dispute=dispute,
                    uphold=form.cleaned_data["decision"] == "uphold",
                    reason=form.cleaned_data["reason"],
                )
            except services.VoteError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("voting:disputes", vote.pk)
    return render(
        request,
        "voting/disputes.html",
        {
            "vote": vote,
            "rows": [(d, forms[d.pk]) for d in rows],
            "open": BallotDisputeStatus.OPEN,
        },
    )


# --- rulings on objections to a result -----------------------------------------------------------

RULER_KINDS = (OrgKind.STREET_OFFICE, OrgKind.BUREAU)


@gate("voting.rule_objection")
@require_GET
def objections_to_rule(request):
    """The open objections to results in the estates the street office or bureau governs,
    oldest first, each one click from its ruling page."""
    rows = selectors.objections_to_rule(
        scope_q(request.user, "vote__estate__jurisdiction__path", kinds=RULER_KINDS)
    )
    return render(request, "voting/objections_to_rule.html", {"objections": rows[:200]})


@gate(
    "voting.rule_objection",
    model=Objection,
    kwarg="objection_id",
    queryset=lambda: Objection.objects.select_related(
        "vote__estate__jurisdiction", "filed_by", "answered_by"
    ),
)
def objection_rule(request, objection):
    """One objection: the vote, its result, the objection and, while open, the ruling form with
    two buttons. Upholding (setting the result aside) asks for confirmation first."""
    vote = objection.vote
    form = ObjectionRulingForm(request.POST or None)
    decision = request.POST.get("decision")
    if request.method == "POST" and decision in ("dismiss", "uphold") and form.is_valid():
        reason = form.cleaned_data["reason"]
        if decision == "uphold" and request.POST.get("confirm") != "1":
            return render(
                request,
                "voting/objection_uphold_confirm.html",
                {"objection": objection, "vote": vote, "reason": reason},
            )
        service = services.objection_uphold if decision == "uphold" else services.objection_dismiss
        try:
            service(actor=request.user, objection=objection, reason=reason)
        except services.VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("The result is set aside.")
                if decision == "uphold"
                else _("The objection is dismissed: the result stands."),
            )
            return redirect("voting:objections_to_rule")
    elif request.method == "POST" and decision not in ("dismiss", "uphold"):
        form.add_error(None, _("Choose to dismiss or to uphold the objection."))
    figures = selectors.final_result(vote)
    return render(
        request,
        "voting/objection_rule.html",
        {
            "objection": objection,
            "vote": vote,
            "form": form,
            "result": figures,
            "lines": result_lines(figures) if figures else [],
            "others": vote.objections.exclude(pk=objection.pk).select_related("filed_by"),
            "may_rule": objection.status == ObjectionStatus.OPEN
            and vote.status == VoteStatus.PUBLICISED,
        },
    )
