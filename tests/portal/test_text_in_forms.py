"""Issue 14, finding 11, everywhere a person types text: every form of the portal refuses
control characters and bidirectional overrides in names, titles and reasons, through the one
validator of ``portal.core.text`` (docs/security.md lists where it is applied)."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db

RLO = "\u202e"


def _forms():
    from cms.views import SearchForm  # noqa: F401 (search text is not stored: left alone)
    from property.credit import forms as credit
    from property.fund import forms as fund
    from property.registry import forms as registry
    from voting import forms as voting

    return [
        (registry.ClaimForm, {}, ["name", "unit_codes"]),
        (registry.RejectForm, {}, ["reason"]),
        (voting.VoteForm, {}, ["title", "motion"]),
        (voting.ExtendForm, {}, ["reason"]),
        (voting.CancelForm, {}, ["reason"]),
        (voting.ObjectionForm, {}, ["text"]),
        (fund.RequestForm, {"estate": None}, ["title", "description", "contractor", "stairwell"]),
        (fund.NoteForm, {}, ["note"]),
        (fund.AcceptForm, {}, ["invoice_number"]),
        (fund.ObjectionForm, {}, ["text"]),
        (fund.AnswerForm, {}, ["answer"]),
        (credit.RecordAddForm, {"user": "user"}, ["summary"]),
        (credit.ObjectionForm, {}, ["reason"]),
        (credit.RulingForm, {}, ["note"]),
    ]


def cases():
    forms = _forms()
    return [
        pytest.param(cls, kwargs, name, id=f"{cls.__module__}.{cls.__name__}.{name}")
        for cls, kwargs, names in forms
        for name in names
    ]


@pytest.mark.parametrize(("form_class", "kwargs", "field"), cases())
@pytest.mark.parametrize("bad", ["张\u202e三", "a\x00b", "a\x1bb", "a\u2066b"])
def test_every_text_field_refuses_control_and_bidi(form_class, kwargs, field, bad):
    kwargs = {k: (make_user() if v == "user" else v) for k, v in kwargs.items()}
    form = form_class(data={field: bad}, **kwargs)
    form.is_valid()
    assert field in form.errors
    assert any("invisible" in str(e) or "不可见" in str(e) for e in form.errors[field]), form.errors


@pytest.mark.parametrize(("form_class", "kwargs", "field"), cases())
def test_ordinary_text_is_not_refused(form_class, kwargs, field):
    kwargs = {k: (make_user() if v == "user" else v) for k, v in kwargs.items()}
    form = form_class(data={field: "滨江花园 3-2-1501"}, **kwargs)
    form.is_valid()
    errors = [str(e) for e in form.errors.get(field, [])]
    assert not any("invisible" in e or "不可见" in e for e in errors), errors


def test_wagtail_forms_use_the_validator():
    """The page forms of the CMS (titles, summaries) and the admin's model forms (holiday
    names, credit catalogue) are built on the same mixin."""
    from wagtail.models import Page

    from cms import models as cms_models
    from portal.core.text import PlainTextFormMixin

    pages = [
        m
        for m in vars(cms_models).values()
        if isinstance(m, type) and issubclass(m, Page) and m is not Page and not m._meta.abstract
    ]
    assert pages
    for model in pages:
        assert issubclass(model.get_edit_handler().get_form_class(), PlainTextFormMixin), model
    from property.credit.wagtail_hooks import (
        CatalogueItemViewSet,
        ChecklistEntryViewSet,
        ChecklistItemViewSet,
    )
    from property.registry.wagtail_hooks import HolidayViewSet

    for viewset in (
        HolidayViewSet,
        CatalogueItemViewSet,
        ChecklistItemViewSet,
        ChecklistEntryViewSet,
    ):
        form_class = viewset(viewset.__name__.lower()).get_form_class()
        assert issubclass(form_class, PlainTextFormMixin), viewset
        form = form_class(data={"name": "春\u202e节", "description": "a\x1bb", "note": "\u2066"})
        form.is_valid()
        assert {"name", "description", "note"} & set(form.errors), viewset
