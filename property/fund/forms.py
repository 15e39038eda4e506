from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.text import PlainTextFormMixin
from portal.core.uploads import validate_upload
from property.registry.models import Building, Unit

from .apportion import from_fen, to_fen
from .bounds import AmountError, parse_amount
from .models import Category, RequestKind, Scope
from .services import amount_error, max_amount


class MoneyField(forms.Field):
    """An amount of yuan typed by a person: finite, at most two decimal places, more than zero
    and at most ``FUND_MAX_AMOUNT`` (DOMAIN.md §2 "Bounds"), each refusal in the user's
    language. The same rule as the services' ``money``; the browser is told min, max and step."""

    widget = forms.NumberInput

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "min": "0.01",
            "step": "0.01",
            "inputmode": "decimal",
        }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            fen = parse_amount(str(value), maximum_fen=to_fen(max_amount()))
        except AmountError as exc:
            raise ValidationError(amount_error(exc.code), code=exc.code) from None
        return from_fen(fen)


class MoneyFormMixin:
    """Tells the browser the maximum of the moment (the setting may change at run time)."""

    def _set_money_max(self):
        for field in self.fields.values():
            if isinstance(field, MoneyField):
                field.widget.attrs["max"] = str(max_amount())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _checked(files):
    """Each file through the portal's upload check; an error names the file it is about."""
    for f in files:
        try:
            validate_upload(f)
        except ValidationError as exc:
            raise ValidationError(
                _("%(name)s: %(error)s") % {"name": f.name, "error": " ".join(exc.messages)},
                code=exc.code,
            ) from None
    return files


class RequestForm(MoneyFormMixin, PlainTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RequestKind.choices)
    category = forms.ChoiceField(
        label=_("Emergency category"),
        choices=[("", "—")] + list(Category.choices),
        required=False,
        help_text=_("Required for an emergency: only these qualify without an owners' vote."),
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    scope = forms.ChoiceField(label=_("Units sharing the cost"), choices=Scope.choices)
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    stairwell = forms.CharField(label=_("Stairwell"), max_length=10, required=False)
    unit_codes = forms.CharField(
        label=_("Unit codes"),
        required=False,
        help_text=_("For listed units: codes separated by commas, e.g. 3-2-1501, 3-2-1502"),
    )
    estimated_cost = MoneyField(label=_("Estimated cost (yuan)"))
    contractor = forms.CharField(label=_("Contractor"), max_length=200)
    photos = MultipleFileField(label=_("Photos"), required=False)
    inspection = forms.FileField(
        label=_("Inspection report"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["building"].queryset = Building.objects.filter(estate=estate)
        self._set_money_max()

    def clean_photos(self):
        return _checked(self.cleaned_data["photos"])

    def clean_inspection(self):
        f = self.cleaned_data.get("inspection")
        return _checked([f])[0] if f else None

    def clean(self):
        data = super().clean()
        if data.get("kind") == RequestKind.EMERGENCY and not data.get("category"):
            self.add_error("category", _("An emergency request needs its category."))
        scope = data.get("scope")
        if scope in (Scope.BUILDING, Scope.STAIRWELL) and not data.get("building"):
            self.add_error("building", _("Choose the building."))
        if scope == Scope.STAIRWELL and not data.get("stairwell"):
            self.add_error("stairwell", _("Give the stairwell."))
        data["units"] = []
        if scope == Scope.UNITS:
            codes = [c.strip() for c in (data.get("unit_codes") or "").split(",") if c.strip()]
            units = list(Unit.objects.filter(estate=self.estate, code__in=codes))
            missing = sorted(set(codes) - {u.code for u in units})
            if not codes:
                self.add_error("unit_codes", _("List the units."))
            elif missing:
                self.add_error(
                    "unit_codes",
                    ValidationError(
                        _("Not units of this estate: %(codes)s"),
                        params={"codes": ", ".join(missing)},
                    ),
                )
            data["units"] = units
        return data


class NoteForm(PlainTextFormMixin, forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("note on a decision", "Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptForm(MoneyFormMixin, PlainTextFormMixin, forms.Form):
    final_cost = MoneyField(label=_("Final cost (yuan)"))
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=60)
    invoice = forms.FileField(label=_("Invoice"), required=False)
    report = forms.FileField(label=_("Acceptance report"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_money_max()

    def clean_invoice(self):
        f = self.cleaned_data.get("invoice")
        return _checked([f])[0] if f else None

    def clean_report(self):
        f = self.cleaned_data.get("report")
        return _checked([f])[0] if f else None


class ObjectionForm(PlainTextFormMixin, forms.Form):
    text = forms.CharField(label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(PlainTextFormMixin, forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))
