"""Pages of the delivery of a vote's notice (送达): the committee (and the street office over
the estate) sees, before the vote opens and while it runs, the parties not yet reached, and
each party's record; the committee records the notice posted in the estate and the notice
handed over in person; a signed PDF gives the per-party record for a dispute."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from portal.core.errors import add_to_form
from portal.core.pdf import render_pdf, sign_pdf
from portal.core.text import PlainTextFormMixin
from portal.core.uploads import serve_private_file

from .board_views import _issuer
from .delivery_report import REACHING
from .delivery_selectors import delivery_overview, delivery_records, electorate_party
from .delivery_services import (
    DELIVERY_STATUSES,
    PLACE_MAX_CHARS,
    notice_handover_record,
    notice_posting_record,
)
from .forms import DATETIME_WIDGET
from .models import NoticeHandover, NoticePosting, VoteStatus
from .services import VoteError
from .views import vote_view

CHANNEL_LABELS = {
    "portal": pgettext_lazy("notice delivery", "In the portal"),
    "sms": pgettext_lazy("notice delivery", "SMS"),
    "email": pgettext_lazy("notice delivery", "Email"),
    "posted": pgettext_lazy("notice delivery", "Posted in the estate"),
    "handed": pgettext_lazy("notice delivery", "Handed over in person"),
}
STATUS_LABELS = {
    "seen": pgettext_lazy("notice delivery", "Seen"),
    "not_seen": pgettext_lazy("notice delivery", "Not yet seen"),
    "pending": pgettext_lazy("notice delivery", "Waiting to be sent"),
    "failed": pgettext_lazy("notice delivery", "Failed"),
    "sent": pgettext_lazy("notice delivery", "Sent"),
    "delivered": pgettext_lazy("notice delivery", "Delivered (receipt)"),
    "undelivered": pgettext_lazy("notice delivery", "Not delivered (receipt)"),
    "posted": pgettext_lazy("notice delivery", "Posted"),
    "signed": pgettext_lazy("notice delivery", "Signed for"),
}


def present(records) -> list[dict]:
    """The records as the page and the PDF show them: labels in the reader's language."""
    return [
        {
            "party_id": r.party_id,
            "name": r.name,
            "units": "、".join(r.units),
            "area": r.area,
            "reached": r.reached,
            "deliveries": [
                {
                    "channel": CHANNEL_LABELS[d.channel],
                    "at": d.at,
                    "status": STATUS_LABELS.get(d.status, d.status),
                    "reaching": (d.channel, d.status) in REACHING,
                }
                for d in r.deliveries
            ],
        }
        for r in records
    ]


DELIVERY_PAGE_SIZE = 50

#: The record stays readable after the vote (for a dispute); not for a draft (no notice yet).
VIEW_STATUSES = tuple(s for s in VoteStatus.values if s != VoteStatus.DRAFT)


def _photo_help() -> str:
    return _("JPG or PNG, at most %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}


def _scan_help() -> str:
    return _("PDF, JPG or PNG, at most %(mb)s MB.") % {
        "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    }


class PostingForm(PlainTextFormMixin, forms.Form):
    posted_at = forms.DateTimeField(label=gettext_lazy("Posted at"), widget=DATETIME_WIDGET)
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=PLACE_MAX_CHARS,
        help_text=gettext_lazy("For example: the notice board at the east gate, building 3 lobby."),
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo of the posted notice"), help_text=lazy(_photo_help, str)()
    )


class HandoverForm(forms.Form):
    handed_at = forms.DateTimeField(label=gettext_lazy("Handed over at"), widget=DATETIME_WIDGET)
    signature = forms.FileField(
        label=gettext_lazy("Scan of the signed receipt"), help_text=lazy(_scan_help, str)()
    )


@vote_view("voting.view_delivery", statuses=VIEW_STATUSES)
def delivery(request, vote):
    """The parties not reached (and, on ``?all=1``, every party's record)."""
    overview = delivery_overview(vote)
    show_all = request.GET.get("all") == "1"
    listed = overview["records"] if show_all else overview["not_reached"]
    page = Paginator(listed, DELIVERY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "voting/delivery.html",
        {
            "vote": vote,
            **overview,
            "rows": present(page.object_list),
            "page": page,
            "channel_labels": CHANNEL_LABELS,
            "show_all": show_all,
            "may_record": request.user.has_perm("voting.record_delivery", vote)
            and vote.status in DELIVERY_STATUSES,
        },
    )


def _initial_now():
    return timezone.localtime().replace(second=0, microsecond=0)


@vote_view("voting.record_delivery", statuses=DELIVERY_STATUSES)
def delivery_posting(request, vote):
    form = PostingForm(
        request.POST or None, request.FILES or None, initial={"posted_at": _initial_now()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice_posting_record(
                actor=request.user,
                vote=vote,
                posted_at=form.cleaned_data["posted_at"],
                place=form.cleaned_data["place"],
                photo=form.cleaned_data["photo"],
            )
        except VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The posted notice is recorded."))
            return redirect("voting:delivery", vote.pk)
    return render(
        request,
        "voting/form.html",
        {
            "form": form,
            "vote": vote,
            "multipart": True,
            "title": _("Record the notice posted in the estate"),
            "intro": _(
                "Photograph the posted notice so that its text can be read, and say where and "
                "when it was posted."
            ),
        },
    )


@vote_view("voting.record_delivery", statuses=DELIVERY_STATUSES)
def delivery_handover(request, vote, party_id):
    party = electorate_party(vote, party_id)
    if party is None:
        raise Http404
    form = HandoverForm(
        request.POST or None, request.FILES or None, initial={"handed_at": _initial_now()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice_handover_record(
                actor=request.user,
                vote=vote,
                party_id=party.party_id,
                handed_at=form.cleaned_data["handed_at"],
                signature=form.cleaned_data["signature"],
            )
        except VoteError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The handover is recorded."))
            return redirect("voting:delivery", vote.pk)
    return render(
        request,
        "voting/form.html",
        {
            "form": form,
            "vote": vote,
            "multipart": True,
            "title": _("Record the notice handed over in person"),
            "intro": _("Units %(units)s (%(name)s): attach the receipt the owner signed.")
            % {"units": "、".join(party.units), "name": party.name},
        },
    )


@require_GET
@vote_view("voting.view_delivery", statuses=VIEW_STATUSES)
def delivery_file(request, vote, kind, file_id):
    """The photo of a posting or the scan of a handover (a download, after the check)."""
    if kind == "posted":
        record = get_object_or_404(NoticePosting, pk=file_id, vote=vote)
        return serve_private_file(request, record.photo)
    if kind == "handed":
        record = get_object_or_404(NoticeHandover, pk=file_id, vote=vote)
        return serve_private_file(request, record.signature)
    raise Http404


def delivery_pdf_bytes(vote) -> bytes:
    """The signed per-party record of the notice's delivery (unit, masked name, each channel
    with time and status), for a dispute."""
    records = delivery_records(vote)
    context = {
        "title": _("Record of the delivery of the vote notice"),
        "vote": vote,
        "records": present(records),
        "reached": sum(1 for r in records if r.reached),
        "issuer": _issuer(vote),
        "issued_at": timezone.localtime(),
        "reference": f"{vote.estate.code}-{vote.pk}-delivery",
    }
    return sign_pdf(
        render_pdf("pdf/vote_delivery.html", context),
        reason=_("Record of the delivery of the vote notice"),
    )


@require_GET
@vote_view("voting.view_delivery", statuses=VIEW_STATUSES)
def delivery_pdf(request, vote):
    response = HttpResponse(delivery_pdf_bytes(vote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="gongzhi-vote-{vote.pk}-delivery.pdf"'
    return response
