import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.core.text import PlainTextFormMixin
from portal.core.uploads import validate_upload

from .importer import limit
from .models import (
    CERTIFICATE_MAX_CHARS,
    Estate,
    Unit,
    validate_certificate_number,
    validate_identity_number,
)


class SecretTextInput(forms.TextInput):
    """A text input that never renders its value back (identity numbers stay off pages)."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class ClaimForm(PlainTextFormMixin, forms.Form):
    # No estate is chosen for the person (the first by name was, and claims went to the wrong
    # estate): the view preselects the estate the owner already holds units in, if any.
    estate = forms.ModelChoiceField(
        label=_("Estate"),
        queryset=Estate.objects.order_by("name"),
        empty_label=_("Choose the estate"),
    )
    unit_codes = forms.CharField(
        label=_("Unit code(s)"),
        max_length=300,
        widget=forms.TextInput(attrs={"list": "unit-code-options", "autocomplete": "off"}),
        help_text=_("As on your property certificate, e.g. 3-2-1501; several separated by commas."),
    )
    name = forms.CharField(label=_("Your name"), max_length=60)
    identity_number = forms.CharField(
        label=_("Identity card number"),
        max_length=18,
        widget=SecretTextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        help_text=_("Checked against the registry; stored encrypted and shown only masked."),
    )
    certificate_number = forms.CharField(
        label=_("Real-estate certificate number"),
        max_length=CERTIFICATE_MAX_CHARS + 20,
        required=False,
        widget=SecretTextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "The whole number as printed on your real-estate certificate, with the province and "
            "the year. With it your claim can be confirmed at once; stored encrypted."
        ),
    )
    proof = forms.FileField(
        label=_("Proof of ownership"),
        required=False,
        help_text=_(
            "A photo or scan of your property certificate (JPG, PNG or PDF). Needed when you "
            "do not give the certificate number."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in settings.UPLOAD_ALLOWED_EXTENSIONS)}
        ),
    )

    def clean_identity_number(self):
        return validate_identity_number(self.cleaned_data["identity_number"].strip())

    def clean_certificate_number(self):
        value = self.cleaned_data["certificate_number"].strip()
        return validate_certificate_number(value) if value else ""

    def clean_proof(self):
        proof = self.cleaned_data["proof"]
        if proof:
            validate_upload(proof)
        return proof

    def clean(self):
        data = super().clean()
        if (
            not data.get("proof")
            and not data.get("certificate_number")
            and "certificate_number" not in self.errors
            and "proof" not in self.errors
        ):
            self.add_error(
                "proof", _("Give the certificate number or upload a photo of the certificate.")
            )
        estate, codes = data.get("estate"), data.get("unit_codes")
        if estate and codes:
            wanted = [c for c in re.split(r"[,，;；\s]+", codes) if c]
            units = list(Unit.objects.filter(estate=estate, code__in=wanted))
            unknown = sorted(set(wanted) - {u.code for u in units})
            if unknown:
                self.add_error(
                    "unit_codes",
                    _("No such unit in %(estate)s: %(codes)s")
                    % {"estate": estate.name, "codes": ", ".join(unknown)},
                )
            data["units"] = units
        return data


class RejectForm(PlainTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Registry file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Only CSV and XLSX files can be imported."))
        most = limit("REGISTRY_IMPORT_MAX_BYTES")
        if f.size > most:
            raise forms.ValidationError(
                _("The file is too large (at most %(limit)s).") % {"limit": filesizeformat(most)}
            )
        if not f.size:
            raise forms.ValidationError(_("The file is empty."))
        return f


class DisputeForm(forms.Form):
    statement = forms.CharField(
        label=_("Why is this verification wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "For example: this is not my account, I did not claim the unit. The street office "
            "will contact you."
        ),
    )


class DisputeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("uphold", _("Uphold: the account is not the owner's; revoke the verification")),
            ("dismiss", _("Dismiss: the verification stands")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
