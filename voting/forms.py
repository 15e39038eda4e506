"""Forms of the voting pages (validation only; the services decide)."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.core.text import PlainTextFormMixin
from portal.core.uploads import validate_upload

from .models import ALL_CHANNELS, CANCEL_REASON_MAX_CHARS, Channel, ChoiceValue, Matter

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _upload_help() -> str:
    return _("PDF, JPG or PNG, at most %(mb)s MB.") % {
        "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    }


def _file_field(label, required=True):
    # The help is lazy: "…" % {…} on a lazy string translates it at once, here at import, in
    # whatever language was active then.
    return forms.FileField(
        label=label,
        required=required,
        validators=[validate_upload],
        help_text=lazy(_upload_help, str)(),
    )


class VoteForm(PlainTextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    matter = forms.TypedChoiceField(label=_("Matter"), choices=Matter.choices, coerce=int)
    motion = forms.CharField(label=_("Motion"), widget=forms.Textarea(attrs={"rows": 8}))
    notice_at = forms.DateTimeField(
        label=_("Notice published"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Leave empty to publish the notice when the vote is scheduled."),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DATETIME_WIDGET)
    allow_change = forms.BooleanField(
        label=_("Owners may change their ballot before close"), required=False, initial=True
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        initial=list(ALL_CHANNELS),
        widget=forms.CheckboxSelectMultiple,
    )
    attachment = _file_field(_("Attachment"), required=False)
    list_voted_units = forms.BooleanField(
        label=_("List the units that have voted on the public board"),
        required=False,
        initial=False,
        help_text=_(
            "While the vote is open, the public board lists the units whose owners have voted, "
            "by unit code and area only: never names or choices."
        ),
    )
    concerns = forms.TypedChoiceField(
        label=_("Does the motion name an organisation of the estate?"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Name the property company or the owners' committee if the motion is about it. "
            "Votes on matters 3 and 4 concern them anyway. While the vote is scheduled or "
            "open, the organisation named may not verify ownership claims."
        ),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].choices = [("", _("No"))] + [(o.pk, o.name) for o in organisations]
        self.organisations = {o.pk: o for o in organisations}

    def clean_concerns(self):
        pk = self.cleaned_data.get("concerns")
        return self.organisations.get(pk) if pk else None

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            raise ValidationError(_("The vote must close after it opens."))
        return data


class CastForm(forms.Form):
    party = forms.TypedChoiceField(label=_("Voting for"), coerce=int)
    choice = forms.ChoiceField(
        label=_("Your choice"), choices=ChoiceValue.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, p.label) for p in parties]


class PaperForm(forms.Form):
    party = forms.TypedChoiceField(label=_("Owner party"), coerce=int)
    choice = forms.ChoiceField(
        label=_("Choice marked on the ballot"),
        choices=ChoiceValue.choices,
        widget=forms.RadioSelect,
    )
    scan = _file_field(_("Scanned paper ballot"))

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, p.label) for p in parties]


MAINLAND_MOBILE = re.compile(r"(?:\+86)?1[3-9]\d{9}")


class ProxyForm(forms.Form):
    """Names the proxy by mobile number. Whether an account has that number is never said
    (issue 14, finding 13c): the authorization names the number, and the account with it, now
    or once it signs up, is the proxy."""

    party = forms.TypedChoiceField(label=_("Owner party"), coerce=int)
    proxy_phone = forms.CharField(
        label=_("Proxy's mobile phone"),
        max_length=20,
        help_text=_("The proxy signs in to the portal with this number to cast."),
    )
    document = _file_field(_("Written authorization"))

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, p.label) for p in parties]

    def clean_proxy_phone(self):
        phone = re.sub(r"[\s-]", "", self.cleaned_data["proxy_phone"])
        if not MAINLAND_MOBILE.fullmatch(phone):
            raise ValidationError(_("Enter an 11-digit mainland mobile number."))
        return phone


class ExtendForm(PlainTextFormMixin, forms.Form):
    closes_at = forms.DateTimeField(label=_("New closing time"), widget=DATETIME_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CancelForm(PlainTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=CANCEL_REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObjectionForm(PlainTextFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your objection"),
        max_length=settings.GONGZHI["VOTE_OBJECTION_MAX_CHARS"],
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class BallotDisputeForm(PlainTextFormMixin, forms.Form):
    label_suffix = ""  # the label is a question

    statement = forms.CharField(
        label=_("Why is this ballot not yours?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class DisputeDecisionForm(PlainTextFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("uphold", _("Uphold: the ballot does not count")),
            ("dismiss", _("Dismiss: the ballot stands")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class ObjectionRulingForm(PlainTextFormMixin, forms.Form):
    """The ruling on an objection to a result: a written reason; the button pressed decides
    (``dismiss`` or ``uphold``)."""

    reason = forms.CharField(
        label=_("Reason for the ruling"),
        max_length=settings.GONGZHI["VOTE_OBJECTION_MAX_CHARS"],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown to the objector and the owners' committee; if upheld, on the result."),
    )


# --- trustees of a vote's key (issue 18) ------------------------------------------------------

KEY_FILE_MAX_BYTES = 64 * 1024  # a key file is about 600 bytes


class _PersonChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name or obj.get_username()


class TrusteesForm(forms.Form):
    """The organiser names the trustees and the threshold; the service checks who may be one."""

    threshold = forms.IntegerField(
        label=_("Trustees needed to open the count (k)"),
        min_value=2,
        initial=2,
        help_text=_(
            "At least 2. If fewer than this many trustees can ever act, the vote cannot be "
            "counted: choose fewer than the number of trustees, so one can be absent."
        ),
    )
    committee = _PersonChoices(
        label=_("From the owners' committee"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    street = _PersonChoices(
        label=_("From the street office"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scrutineer = _PersonChoices(
        label=_("Owner scrutineers (verified owners of the estate)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, eligible: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("committee", "street", "scrutineer"):
            self.fields[name].queryset = eligible[name].order_by("pk")

    def named(self) -> list[tuple[object, str]]:
        d = self.cleaned_data
        return [(u, kind) for kind in ("committee", "street", "scrutineer") for u in d[kind]]


class TrusteeKeyForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Passphrase"),
        min_length=10,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters. It protects your key file; the portal does not keep it "
            "and cannot recover it."
        ),
    )
    passphrase_again = forms.CharField(
        label=_("Passphrase again"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        d = super().clean()
        if d.get("passphrase") and d.get("passphrase") != d.get("passphrase_again"):
            self.add_error("passphrase_again", _("The two passphrases differ."))
        return d


class TrusteeOpenForm(forms.Form):
    key_file = forms.FileField(label=_("Your key file"))
    passphrase = forms.CharField(
        label=_("Passphrase"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_key_file(self):
        f = self.cleaned_data["key_file"]
        if f.size > KEY_FILE_MAX_BYTES:
            raise ValidationError(_("This is not a trustee key file of the portal."))
        return f
