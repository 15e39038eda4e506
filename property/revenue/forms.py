"""Forms of the shared revenue: each checks what a person typed, in their language; the
services check the rules again and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.text import PlainTextFormMixin
from portal.core.uploads import validate_upload
from property.fund.forms import MoneyField, MoneyFormMixin

from . import rules
from .models import Category, ManagedBy

ACCEPT = ".jpg,.jpeg,.png,.pdf"


def month_choices(months) -> list[tuple[str, str]]:
    return [(m.strftime("%Y-%m"), m.strftime("%Y-%m")) for m in months]


class _MonthForm(forms.Form):
    period = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = month_choices(months)

    def clean_period(self):
        return rules.parse_month(self.cleaned_data["period"])


class _EntryForm(MoneyFormMixin, PlainTextFormMixin, _MonthForm):
    amount = MoneyField(label=_("Amount (yuan)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_money_max()

    def _clean_file(self, name):
        f = self.cleaned_data.get(name)
        if f:
            validate_upload(f)
        return f


class IncomeForm(_EntryForm):
    category = forms.ChoiceField(label=_("Kind of income"), choices=Category.choices)
    counterparty = forms.CharField(
        label=_("Counterparty or contract"),
        max_length=200,
        help_text=_("Who paid, or the contract number (for example 停车场租赁合同2026-03)."),
    )
    voucher = forms.FileField(
        label=_("Voucher (scan or photo)"),
        help_text=_("JPG, PNG or PDF: the receipt, bank slip or invoice."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    memo = forms.CharField(
        label=pgettext_lazy("memo on a ledger entry", "Note"), max_length=200, required=False
    )

    field_order = ["category", "period", "amount", "counterparty", "voucher", "memo"]

    def clean_voucher(self):
        return self._clean_file("voucher")


class CostForm(_EntryForm):
    memo = forms.CharField(label=_("What the cost is for"), max_length=200)
    voucher = forms.FileField(
        label=_("Voucher (scan or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_voucher(self):
        return self._clean_file("voucher")


class ExpenseForm(_EntryForm):
    vote = forms.ModelChoiceField(
        label=_("Owners' vote that decided it"), queryset=None, empty_label=None
    )
    memo = forms.CharField(label=_("What the expense is for"), max_length=200)
    voucher = forms.FileField(
        label=_("Voucher (scan or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, votes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vote"].queryset = votes
        self.fields["vote"].label_from_instance = lambda v: v.title

    def clean_voucher(self):
        return self._clean_file("voucher")


class TransferForm(_EntryForm):
    memo = forms.CharField(
        label=pgettext_lazy("memo on a ledger entry", "Note"), max_length=200, required=False
    )


class FileMonthForm(_MonthForm):
    pass


class ReverseForm(PlainTextFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=200)


class ObjectionForm(PlainTextFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your objection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AnswerForm(PlainTextFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SettingsForm(PlainTextFormMixin, forms.Form):
    managed_by = forms.ChoiceField(
        label=_("Who enters the ledger"), choices=ManagedBy.choices, widget=forms.RadioSelect
    )
    cost_share_percent = forms.DecimalField(
        label=_("Company's agreed cost share (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_("Empty: the company enters its costs one by one."),
    )
