"""Public pages of the bulletin board, the receipt check, the export and the vote PDFs.

Public (no login): the board page of an opened vote (signed heads only: no choice is ever
shown), the receipt check, the signing key, the export and the result announcement PDF once
the vote is counted (the result page too: ``voting.views.result``). Committee only (``voting.enter_paper``): printable paper ballots.
"""

from __future__ import annotations

import os

from django import forms
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal.core.links import absolute_reverse
from portal.core.masking import mask_label
from portal.core.pdf import qr_svg, render_pdf, sign_pdf
from portal.permissions import gate

from . import board, canvass
from .models import Matter, Vote, VoteElector, VoteStatus
from .presentation import result_lines
from .selectors import set_aside_ruling


def _public_vote(pk: int) -> Vote:
    return get_object_or_404(board.public_board_votes(), pk=pk)


@require_GET
@gate(public=True)
def board_page(request, pk):
    """The vote's bulletin board: what it is, every signed tree head, the export once counted."""
    vote = _public_vote(pk)
    heads = list(board.heads_of(vote).order_by("-size", "-final"))  # the final head first
    return render(
        request,
        "voting/board/board.html",
        {
            "vote": vote,
            "heads": heads,
            "latest": heads[0] if heads else None,
            "export": board.export_available(vote),
            "signing_key": board.signing_key_b64(),
            # Issue 17, the Beijing practice: only if the vote chose it, only while open.
            "voted_units": canvass.voted_units(vote),
            "trustees": board.public_trustees(vote),
        },
    )


class ReceiptForm(forms.Form):
    vote = forms.IntegerField(
        label=gettext_lazy("Vote number"),
        min_value=1,
        help_text=gettext_lazy("Shown on the vote's page and on your receipt."),
    )
    code = forms.CharField(
        label=gettext_lazy("Receipt code"),
        max_length=80,
        help_text=gettext_lazy("Like 7K3QD-M9XAF; or the full entry hash."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    # Format 6, optional: check the area commitment of the receipt's party too.
    area = forms.CharField(
        label=gettext_lazy("Your area in m² (optional)"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Your registered area, as on “My vote and receipts”."),
    )
    opening = forms.CharField(
        label=gettext_lazy("Area commitment opening (optional)"),
        required=False,
        max_length=80,
        help_text=gettext_lazy(
            "The 64 characters shown on “My vote and receipts” before the count."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("area")) != bool(data.get("opening")):
            raise forms.ValidationError(
                _("To check your area, give both your area and the opening; or neither.")
            )
        return data

    def clean_vote(self):
        pk = self.cleaned_data["vote"]
        vote = board.public_board_votes().filter(pk=pk).first()
        if vote is None:
            raise forms.ValidationError(_("There is no vote with this number whose voting began."))
        return vote

    def clean_code(self):
        code = self.cleaned_data["code"]
        full, short = board._parse_receipt(code)
        if full is None and short is None:
            raise forms.ValidationError(
                _("A receipt code has 10 letters and digits, like 7K3QD-M9XAF.")
            )
        return code


@require_http_methods(["GET", "POST"])
@gate(public=True)
def receipt_page(request):
    """Check a receipt: is the entry on the board, under the latest signed head?"""
    initial = {}
    if request.GET.get("vote", "").isdigit():
        initial["vote"] = request.GET["vote"]
    if request.GET.get("code"):  # from the receipt link on "My vote and receipts"
        initial["code"] = request.GET["code"][:80]
    form = ReceiptForm(request.POST or None, initial=initial)
    check = None
    area_opens = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = board.check_receipt(data["vote"], data["code"])
        if check.found and data["opening"]:
            area_opens = board.area_opens(data["vote"], check.entry, data["area"], data["opening"])
    return render(
        request,
        "voting/board/receipt.html",
        {
            "form": form,
            "check": check,
            "area_opens": area_opens,
            "vote": form.cleaned_data.get("vote") if check else None,
        },
    )


class BoardJson(APIView):
    """The public export (gongzhi-board/2) of a counted vote: the file the worker wrote when it
    counted the vote, served as it is (never built in a request), rate limited per client.

    Until the worker has written it (a minute at most after the count) the answer is 503 with
    ``Retry-After``."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "board_export"
    schema = None

    def get(self, request, pk):
        vote = _public_vote(pk)
        if not board.export_available(vote):
            raise Http404
        path = board.export_file(vote)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            response = HttpResponse(
                _("The export is being prepared; try again in a minute."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "60"
            return response
        stat = os.fstat(handle.fileno())
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"gongzhi-vote-{vote.pk}-board.json",
            content_type="application/json; charset=utf-8",
        )
        response["ETag"] = f'"{stat.st_size:x}-{int(stat.st_mtime):x}"'
        response["Cache-Control"] = "public, max-age=300"
        return response


board_json = BoardJson.as_view()


@require_GET
@gate(public=True)
def signing_key(request):
    """The portal's tree-head signing key: raw Ed25519 public key in base64, then PEM."""
    text = (
        "# Gongzhi bulletin board tree-head signing key (Ed25519)\n"
        f"{board.signing_key_b64()}\n{board.signing_key_pem()}"
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _issuer(vote: Vote) -> str:
    """Who issues a vote's documents: the estate's owners' committee, which organises the
    vote; the estate's name where there is none (the street office organises then)."""
    committee = vote.estate.owners_committee()
    return committee.name if committee else vote.estate.name


def result_pdf_bytes(vote: Vote, *, base: str | None = None) -> bytes:
    """The signed result announcement of a counted vote. Its links and QR code lead to the
    public result page (no sign-in needed), absolute from ``PORTAL_BASE_URL``
    (``portal.core.links``) unless ``base`` names another root."""
    result = vote.result
    head = board.latest_head(vote)

    def link(name: str) -> str:
        if base is None:
            return absolute_reverse(name, vote.pk)
        return base.rstrip("/") + reverse(name, args=[vote.pk])

    result_url = link("voting:result")
    export_url = link("voting:board_json")
    context = {
        "title": _("Announcement of the result of the owners' vote"),
        "vote": vote,
        "estate": vote.estate,
        "matter": Matter(vote.matter).label,
        "result": result,
        "lines": result_lines(result),
        "head": head,
        "export_url": export_url,
        "board_url": link("voting:board"),
        "result_url": result_url,
        "qr": qr_svg(result_url),
        "issuer": _issuer(vote),
        "issued_at": timezone.localtime(),
        "reference": f"{vote.estate.code}-{vote.pk}",
        "set_aside": set_aside_ruling(vote),
    }
    pdf = render_pdf("pdf/vote_result.html", context)
    return sign_pdf(pdf, reason=_("Result of the owners' vote"))


@require_GET
@gate(public=True)
def result_pdf(request, pk):
    """The result announcement PDF (public once counted: the result is published)."""
    vote = _public_vote(pk)
    if not vote.has_result:
        raise Http404
    pdf = result_pdf_bytes(vote)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="gongzhi-vote-{vote.pk}-result.pdf"'
    return response


# The committee's paper-ballot pages: ``voting.enter_paper`` on the vote; while it is open only
# (another state: 404, not the gate's message and redirect, as there is no page to go back to).
committee_gate = gate(
    "voting.enter_paper", model=Vote, queryset=lambda: Vote.objects.select_related("estate")
)


def _while_open(vote: Vote) -> None:
    if vote.status != VoteStatus.OPEN:
        raise Http404


@require_GET
@committee_gate
def paper_ballots(request, vote):
    """The committee's list of printable paper ballots, one per party of the electorate."""
    _while_open(vote)
    electors = (
        VoteElector.objects.filter(vote=vote).select_related("party").order_by("party__label")
    )
    return render(request, "voting/board/paper_ballots.html", {"vote": vote, "electors": electors})


@require_GET
@committee_gate
def ballot_pdf(request, vote, elector_id):
    """A printable paper ballot for one party (committee only, while the vote is open)."""
    _while_open(vote)
    elector = get_object_or_404(
        VoteElector.objects.select_related("party"), pk=elector_id, vote=vote
    )
    units = list(
        elector.party.ownerships.filter(end__isnull=True, unit__estate=vote.estate)
        .order_by("unit__code")
        .values_list("unit__code", flat=True)
    )
    context = {
        "title": _("Paper ballot"),
        "vote": vote,
        "elector": elector,
        "party_label": mask_label(elector.party.label),
        "units": units,
        "matter": Matter(vote.matter).label,
        "issuer": _issuer(vote),
        "reference": f"{vote.pk}-{elector.pk}",
    }
    pdf = sign_pdf(render_pdf("pdf/vote_ballot.html", context), reason=_("Paper ballot"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="gongzhi-vote-{vote.pk}-ballot-{elector.pk}.pdf"'
    )
    return response
