"""Forms of the credit pages. Choices are limited to what the user may act on."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.text import PlainTextFormMixin
from portal.core.uploads import validate_upload
from portal.core.words import quarter_choices
from portal.organisations.models import Organisation, OrgKind
from portal.permissions import scope_q
from property.registry.models import Estate

from .models import CatalogueItem, Kind, ProjectManager
from .selectors import districts


class RecordAddForm(PlainTextFormMixin, forms.Form):
    company = forms.ModelChoiceField(
        label=_("Property company"), queryset=Organisation.objects.none()
    )
    estate = forms.ModelChoiceField(
        label=_("Estate"),
        queryset=Estate.objects.none(),
        required=False,
        help_text=_("Leave empty for a record about the company as a whole (city bureau only)."),
    )
    item = forms.ModelChoiceField(label=_("Catalogue item"), queryset=CatalogueItem.objects.none())
    manager = forms.ModelChoiceField(
        label=_("Project manager"),
        queryset=ProjectManager.objects.none(),
        required=False,
        help_text=_(
            "For an item about the project manager (alone or with the company): the manager "
            "registered by the company."
        ),
    )
    occurred_on = forms.DateField(
        label=_("Date of the fact"), widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        validators=[validate_upload],
        help_text=_("PDF, JPG or PNG."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        estates = Estate.objects.filter(scope_q(user, "jurisdiction__path")).select_related(
            "company"
        )
        self.fields["estate"].queryset = estates.order_by("name")
        companies = Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY)
        # Companies acting in the user's subtree; city-level staff see every company.
        self.fields["company"].queryset = companies.filter(
            Q(pk__in=estates.values("company_id")) | Q(scope_q(user, "jurisdiction__path"))
        ).order_by("name")
        self.fields["item"].queryset = CatalogueItem.objects.filter(active=True).order_by(
            "kind", "code"
        )
        self.fields["manager"].queryset = ProjectManager.objects.filter(
            company__in=self.fields["company"].queryset
        ).select_related("company")
        self.fields["manager"].label_from_instance = lambda m: f"{m.name}（{m.company.name}）"

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class ObjectionForm(PlainTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reasons for the objection"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        validators=[validate_upload],
        help_text=_("PDF, JPG or PNG."),
    )


class RulingForm(PlainTextFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("uphold", _("Reject the objection: the record stands")),
            ("accept", _("Accept the objection: revoke the record")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reasons for the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class PublishForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=quarter_choices)


class RankingFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"), queryset=None, required=False, empty_label=_("All districts")
    )
    grade = forms.ChoiceField(
        label=_("Grade"),
        required=False,
        choices=[("", _("All grades"))] + [(g, g) for g in ("AAA", "AA", "A", "B", "C")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts()


class SurveyForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the property company's service this year?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Satisfied")), ("no", _("Not satisfied"))],
        widget=forms.RadioSelect,
    )


KIND_LABELS = dict(Kind.choices)
