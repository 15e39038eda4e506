"""One error type (issue 20, STYLE.md "One error"): every app's refusal is a ``DomainError``
with a user-facing message and a code, and views put it on a form or a page the same way."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal.core.errors import DomainError, add_to_form, message_text
from property.credit import services as credit_services
from property.credit.services import CreditError
from property.fund import services as fund_services
from property.fund.models import RequestKind
from property.fund.services import FundError, money
from property.registry.services import ClaimError, claim_submit
from voting.services import VoteError, vote_create

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _vote_error() -> VoteError:
    at = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    with pytest.raises(VoteError) as info:
        vote_create(
            actor=None, estate=None, title="t", matter=5, motion="m", opens_at=at, closes_at=at
        )
    return info.value


def _fund_error() -> FundError:
    with pytest.raises(FundError) as info:
        money("twelve", field="amount")
    return info.value


def _claim_error() -> ClaimError:
    with pytest.raises(ClaimError) as info:
        claim_submit(user=None, estate=None, units=[], name="", identity_number="", proof=None)
    return info.value


class _Form(forms.Form):
    amount = forms.CharField()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "code", "english"),
    [
        (_vote_error, "times", "The vote must close after it opens."),
        (_fund_error, "format", "Enter the amount in yuan as a number, such as 12345.67."),
        (_claim_error, "no_units", "Choose at least one unit."),
    ],
)
def test_each_apps_error_is_a_domain_error_with_message_and_code(make, code, english):
    with translation.override("en"):
        exc = make()
        assert isinstance(exc, DomainError)
        assert exc.code == code
        # str() is the message itself, not the repr of a list as for a bare ValidationError.
        assert str(exc) == english
        assert message_text(exc) == english
        assert exc.messages == [english]


def test_default_code_and_params():
    exc = VoteError(
        gettext_lazy("Extensions may add at most %(days)s days in total."), params={"days": 7}
    )
    assert exc.code == "vote"
    with translation.override("en"):
        assert str(exc) == "Extensions may add at most 7 days in total."
    assert FundError("x").code == "fund"
    assert ClaimError("x").code == "claim"


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-hans", "截止时间必须晚于开始时间。"), ("en", "The vote must close after it opens.")],
)
def test_add_to_form_puts_a_non_field_error_in_the_active_language(language, text):
    form = _Form(data={"amount": "1"})
    assert form.is_valid()
    with translation.override(language):
        add_to_form(form, _vote_error())
    assert form.non_field_errors() == [text]
    assert form.errors.as_data()["__all__"][0].code == "times"
    assert "amount" not in form.errors
    assert not form.is_valid()


def test_add_to_form_puts_a_fund_error_on_its_field():
    form = _Form(data={"amount": "twelve"})
    form.is_valid()
    with translation.override("zh-hans"):
        add_to_form(form, _fund_error())
    assert form.errors["amount"] == ["请以数字填写金额（元），例如 12345.67。"]
    assert not form.non_field_errors()


def test_fund_passes_votings_refusal_on_as_its_own_error(monkeypatch):
    """The fund recognised voting's error by its class name and passed on ``str(exc)``, the
    repr of a list (``['...']``); now it catches ``VoteError`` and keeps message and code."""

    def refuse(**kwargs):
        raise VoteError(gettext_lazy("A vote needs a title and a motion."), code="text")

    monkeypatch.setattr(fund_services, "vote_create", refuse)
    request = SimpleNamespace(kind=RequestKind.USE, estate=None, title="", description="")
    now = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    with pytest.raises(FundError) as info:
        fund_services._start_vote(actor=None, request=request, now=now)
    assert isinstance(info.value.__cause__, VoteError)
    assert info.value.code == "text"
    with translation.override("en"):
        assert str(info.value) == "A vote needs a title and a motion."


@pytest.mark.django_db
def test_credit_refusals_are_domain_errors_with_a_code():
    with translation.override("en"):
        with pytest.raises(CreditError) as info:
            credit_services.credit_quarter_publish(actor=None, year=2026, quarter=5)
    assert isinstance(info.value, DomainError)
    assert info.value.code == "quarter"
    assert str(info.value) == "A quarter is 1 to 4."
    assert CreditError("x").code == "credit"


def test_add_to_form_puts_each_error_of_a_dict_on_its_field():
    """A service checking several fields at once (``credit_record_add``) raises one error with
    a message per field; each lands on its field, an unknown field among the non-field ones."""
    form = _Form(data={"amount": "1"})
    assert form.is_valid()
    add_to_form(form, CreditError({"amount": "Too much.", "company": "Not a company."}))
    assert form.errors["amount"] == ["Too much."]
    assert form.non_field_errors() == ["Not a company."]
