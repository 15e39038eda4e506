"""Reaching the owners who have not voted: the canvass list of an open vote, and the committee's reminder by hand.
Thin, like ``voting.views``: the gate loads the vote and checks role, estate and state."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.core.errors import message_text

from . import canvass, reminder_services
from .models import Channel, VoteStatus
from .services import VoteError
from .views import vote_view

# Parties per page of the canvass list: a building's worth on a phone.
CANVASS_PAGE_SIZE = 50


@require_GET
@vote_view("voting.canvass", statuses=(VoteStatus.OPEN,))
def canvass_list(request, vote):
    """The parties that have not voted, largest area first, to visit door to door: units,
    area, masked name; links to enter their paper ballot (the organiser) or record a delivery."""
    rows = canvass.canvass_list(vote)
    buildings = canvass.canvass_buildings(rows)
    building = request.GET.get("building", "")
    if building not in dict(buildings):
        building = ""
    shown = canvass.in_building(rows, building) if building else rows
    page = Paginator(shown, CANVASS_PAGE_SIZE).get_page(request.GET.get("page"))
    series = canvass.turnout_over_time(vote)
    summary = canvass.turnout_view(series, channels=list(vote.channels)) if series else None
    return render(
        request,
        "voting/canvass.html",
        {
            "vote": vote,
            "rows": page,
            "page": page,
            "not_voted": len(rows),
            "buildings": buildings,
            "building": building,
            "turnout_time": summary,
            "may_enter_paper": Channel.PAPER in vote.channels
            and request.user.has_perm("voting.enter_paper", vote),
            "may_record_delivery": request.user.has_perm("voting.record_delivery", vote),
            "may_view_delivery": request.user.has_perm("voting.view_delivery", vote),
        },
    )


@require_POST
@vote_view("voting.manage_vote", statuses=(VoteStatus.OPEN,))
def reminder_send(request, vote):
    """The committee's extra round of reminders, by hand: one a day."""
    try:
        sent = reminder_services.reminder_send_manual(actor=request.user, vote=vote)
    except VoteError as exc:
        messages.error(request, message_text(exc))
    else:
        messages.success(
            request,
            _(
                "Reminders sent to %(parties)s parties that have not voted "
                "(%(skipped)s reminded recently were left out)."
            )
            % {"parties": sent.parties, "skipped": sent.skipped},
        )
    return redirect("voting:detail", vote.pk)
