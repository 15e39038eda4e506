"""Forms of the complaint and owner-rating pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.core.text import PlainTextFormMixin
from portal.core.words import quarter_choices
from portal.permissions import scope_q
from property.registry.models import Estate


def stars_choices():
    """5 to 1 stars, labelled in the active language (built per form, not at import)."""
    return [(n, ngettext("%(n)s star", "%(n)s stars", n) % {"n": n}) for n in range(5, 0, -1)]


class TicketFileForm(forms.Form):
    file = forms.FileField(label=_("Ticket file (CSV or XLSX)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Only CSV and XLSX files can be imported."))
        return f


class AssignForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = (
            Estate.objects.filter(scope_q(user, "jurisdiction__path"))
            .filter(company__isnull=False)
            .order_by("name")
        )


class RunRulesForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=quarter_choices, coerce=int)

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {"year": today.year, "quarter": (today.month - 1) // 3 + 1})
        super().__init__(*args, **kwargs)


class RatingForm(PlainTextFormMixin, forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Stars (5 = very good, 1 = very poor)"),
        choices=[(n, n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why, in a few words"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 200}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stars"].choices = stars_choices()
