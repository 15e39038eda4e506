"""Forms of the voting pages (validation only; the services decide)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

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


class VoteForm(forms.Form):
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


class ProxyForm(forms.Form):
    party = forms.TypedChoiceField(label=_("Owner party"), coerce=int)
    proxy_phone = forms.CharField(
        label=_("Proxy's mobile phone"),
        max_length=20,
        help_text=_("The proxy must have a portal account with this number."),
    )
    document = _file_field(_("Written authorization"))

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, p.label) for p in parties]

    def clean_proxy_phone(self):
        phone = self.cleaned_data["proxy_phone"].strip().replace(" ", "")
        User = get_user_model()
        candidates = {phone, f"+86{phone}"} if not phone.startswith("+") else {phone}
        user = User.objects.filter(phone__in=candidates, is_active=True).first()
        if user is None:
            raise ValidationError(_("No portal user has this mobile number."))
        self.proxy_user = user
        return phone


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("New closing time"), widget=DATETIME_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=CANCEL_REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your objection"),
        max_length=settings.GONGZHI["VOTE_OBJECTION_MAX_CHARS"],
        widget=forms.Textarea(attrs={"rows": 5}),
    )
