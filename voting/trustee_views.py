"""Pages of a vote's trustees (issue 18): the organiser names them and sees who has acted; each
trustee makes their key (the file is the POST's answer, never stored) and, after close, opens
their share of the count. Thin: check role, vote and state, call ``voting.trustee_services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from portal.core.errors import add_to_form

from . import trustee_services
from .forms import TrusteeKeyForm, TrusteeOpenForm, TrusteesForm
from .models import TrusteeKind, VoteStatus, VoteTrustee
from .services import VoteError
from .views import vote_view


def _status(vote) -> dict:
    rows = list(vote.trustees.select_related("user"))
    acted = sum(1 for t in rows if t.acted_at)
    return {
        "trustees": rows,
        "acted": acted,
        "still_needed": max((vote.trustee_threshold or 0) - acted, 0),
        "keys_missing": sum(1 for t in rows if t.key_made_at is None),
    }


@vote_view("voting.manage_vote")
def trustees(request, vote):
    """The organiser: who holds the vote's key, who has made their key and who has opened the
    count; while the vote is a draft, the form naming them."""
    form = None
    if vote.status == VoteStatus.DRAFT:
        eligible = trustee_services.eligible_trustees(vote)
        initial = {"threshold": vote.trustee_threshold or 2}
        for kind in TrusteeKind.values:
            initial[kind] = [t.user_id for t in vote.trustees.all() if t.kind == kind]
        if not vote.trustees.exists():  # the default: the organiser's committee member (the
            # organiser, if they are one) and one street officer; scrutineers who accept
            first = eligible[TrusteeKind.COMMITTEE].filter(pk=request.user.pk).first() or (
                eligible[TrusteeKind.COMMITTEE].order_by("pk").first()
            )
            street = eligible[TrusteeKind.STREET].order_by("pk").first()
            initial[TrusteeKind.COMMITTEE] = [first.pk] if first else []
            initial[TrusteeKind.STREET] = [street.pk] if street else []
        form = TrusteesForm(request.POST or None, eligible=eligible, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                trustee_services.trustees_name(
                    actor=request.user,
                    vote=vote,
                    k=form.cleaned_data["threshold"],
                    named=form.named(),
                )
            except VoteError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("The trustees are named and asked to make their keys."))
                return redirect("voting:trustees", vote.pk)
    elif request.method == "POST" and request.POST.get("hold_again") == "1":
        try:
            new = trustee_services.vote_hold_again(actor=request.user, vote=vote)
        except VoteError as exc:
            messages.error(request, str(exc))
            return redirect("voting:trustees", vote.pk)
        messages.success(
            request,
            _("A new draft with the same motion is ready: check its dates and name its trustees."),
        )
        return redirect("voting:edit", new.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "voting/trustees.html", {"vote": vote, "form": form, **_status(vote)})


def _trusteeship(request, vote) -> VoteTrustee:
    """The request's user as a trustee of ``vote``; anyone else is refused."""
    trustee = vote.trustees.filter(user=request.user).first()
    if trustee is None:
        raise PermissionDenied
    return trustee


@sensitive_post_parameters("passphrase", "passphrase_again")
@never_cache
@vote_view(None)
def trustee_key(request, vote):
    """A trustee chooses a passphrase and receives their key file, once, as the POST's answer."""
    trustee = _trusteeship(request, vote)
    form = TrusteeKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key_file = trustee_services.trustee_make_key(
                actor=request.user, trustee=trustee, passphrase=form.cleaned_data["passphrase"]
            )
        except VoteError as exc:
            add_to_form(form, exc)
        else:
            response = HttpResponse(key_file, content_type="application/json")
            name = f"gongzhi-vote-{vote.pk}-trustee-{trustee.number}.key.json"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "voting/trustee_key.html",
        {"vote": vote, "trustee": trustee, "form": form, "may_make": vote.status == "draft"},
    )


@sensitive_post_parameters("passphrase")
@never_cache
@vote_view(None)
def trustee_open(request, vote):
    """After close, a trustee uploads their key file and passphrase to open their share."""
    trustee = _trusteeship(request, vote)
    form = TrusteeOpenForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            trustee_services.trustee_open(
                actor=request.user,
                trustee=trustee,
                key_file=form.cleaned_data["key_file"].read(),
                passphrase=form.cleaned_data["passphrase"],
            )
        except VoteError as exc:
            add_to_form(form, exc)
        else:
            vote.refresh_from_db()
            if vote.status == VoteStatus.CLOSED:
                messages.success(
                    request,
                    _(
                        "Your share is open. The count runs when enough trustees have opened theirs."
                    ),
                )
            else:
                messages.success(request, _("Your share opened the count: the vote is counted."))
            return redirect("voting:detail", vote.pk)
    return render(
        request,
        "voting/trustee_open.html",
        {
            "vote": vote,
            "trustee": trustee,
            "form": form,
            "may_open": vote.status == VoteStatus.CLOSED and trustee.acted_at is None,
            **_status(vote),
        },
    )
