"""Forms of the project managers' pages. Choices are limited to what the user may act on."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.text import PlainTextFormMixin
from property.registry.models import Estate


class ManagerSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or qualification number"), required=False, max_length=50)


class ManagerRegisterForm(PlainTextFormMixin, forms.Form):
    company = forms.ModelChoiceField(label=_("Property company"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=50)
    qualification_number = forms.CharField(
        label=_("Qualification number"),
        max_length=40,
        help_text=_("As printed on the manager's qualification certificate."),
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        if companies.count() == 1:
            self.fields["company"].initial = companies.first()
            self.fields["company"].widget = forms.HiddenInput()


class AssignForm(forms.Form):
    estate = forms.ModelChoiceField(label=_("Estate"), queryset=Estate.objects.none())
    start = forms.DateField(
        label=pgettext_lazy("first day of an assignment", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while the assignment runs."),
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = Estate.objects.filter(company=company).order_by("name")


class EndForm(forms.Form):
    end = forms.DateField(
        label=_("Last day in charge"), widget=forms.DateInput(attrs={"type": "date"})
    )
