"""The shared objection base (issue 20, "give the objection flows one shared base"): the four
objection models share its fields and ``is_open``, and the flow's shared steps refuse what each
app refused before, raising that app's own ``DomainError``."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from portal.core.errors import DomainError
from portal.core.objections import (
    ObjectionBase,
    objection_check_window,
    objection_clean_text,
    objection_record_answer,
    objection_require_open,
)
from portal.core.objections import (
    ObjectionStatus as BaseStatus,
)
from property.credit.models import Objection as CreditObjection
from property.credit.models import ObjectionStatus as CreditStatus
from property.fund.models import Objection as FundObjection
from property.revenue.models import EntryObjection
from voting.models import Objection as VoteObjection
from voting.models import ObjectionStatus as VoteStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHARED = {"filed_by", "text", "filed_at", "status", "answer", "answered_by", "answered_at"}


class AppError(DomainError):
    default_code = "app"


@pytest.mark.parametrize("model", [FundObjection, CreditObjection, VoteObjection, EntryObjection])
def test_each_objection_model_has_the_shared_fields(model):
    assert issubclass(model, ObjectionBase)
    assert SHARED <= {f.name for f in model._meta.get_fields()}
    assert model(status="open").is_open
    assert not model(status="answered").is_open


def test_clean_text_strips_and_refuses_blank_and_too_long_text_with_the_apps_error():
    assert objection_clean_text("  异议  ", error=AppError, empty="Write it.") == "异议"
    with pytest.raises(AppError) as info:
        objection_clean_text("   ", error=AppError, empty="Write it.", field="reason")
    assert (str(info.value), info.value.code, info.value.field) == ("Write it.", "text", "reason")
    with pytest.raises(AppError) as info:
        objection_clean_text(
            "x" * 6, error=AppError, empty="e", too_long="At most %(limit)d.", limit=5
        )
    assert (str(info.value), info.value.code) == ("At most 5.", "too_long")
    assert objection_clean_text("x" * 5, error=AppError, empty="e", limit=5) == "x" * 5


def test_window_is_inclusive_of_its_last_day_unless_told_otherwise():
    ends = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    objection_check_window(now=ends, ends=ends, error=AppError, message="late")
    with pytest.raises(AppError) as info:
        objection_check_window(now=ends, ends=ends, error=AppError, message="late", inclusive=False)
    assert info.value.code == "late"
    objection_check_window(
        now=date(2026, 12, 1), ends=date(2026, 12, 1), error=AppError, message=""
    )
    with pytest.raises(AppError):
        objection_check_window(
            now=date(2026, 12, 2), ends=date(2026, 12, 1), error=AppError, message=""
        )


def test_an_objection_is_answered_once():
    saved = []
    objection = SimpleNamespace(status="open", is_open=True, save=lambda **kw: saved.append(kw))
    objection_require_open(objection, error=AppError, message="done")
    at = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
    objection_record_answer(objection, actor="officer", answer="reply", status="answered", at=at)
    assert (objection.status, objection.answer, objection.answered_by, objection.answered_at) == (
        "answered",
        "reply",
        "officer",
        at,
    )
    assert saved == [{"update_fields": ["status", "answer", "answered_by", "answered_at"]}]
    objection.is_open = False
    with pytest.raises(AppError) as info:
        objection_require_open(objection, error=AppError, message="done", code="ruled")
    assert (str(info.value), info.value.code) == ("done", "ruled")


def test_ruled_objections_take_their_statuses_and_labels_from_answer_fields_alone():
    """Voting's and credit's objections are ruled on: they redeclare the answer's fields only
    through ``answer_fields`` (their statuses, labels, the limit), and the others keep the base's."""

    def labels(model):
        with translation.override("en"):
            return tuple(
                str(model._meta.get_field(name).verbose_name)
                for name in ("answer", "answered_by", "answered_at")
            )

    assert labels(VoteObjection) == ("reason for the ruling", "ruled by", "ruled")
    assert labels(CreditObjection) == ("reasons for the decision", "decided by", "decided on")
    assert (
        labels(FundObjection) == labels(EntryObjection) == ("answer", "answered by", "answered at")
    )
    assert VoteObjection._meta.get_field("status").choices == VoteStatus.choices
    assert CreditObjection._meta.get_field("status").choices == CreditStatus.choices
    assert FundObjection._meta.get_field("status").choices == BaseStatus.choices
    assert CreditObjection._meta.get_field("answer").max_length == 4000
    assert FundObjection._meta.get_field("answer").max_length is None
    for model in (FundObjection, CreditObjection, VoteObjection, EntryObjection):
        assert model._meta.get_field("status").default == "open"
        assert model._meta.get_field("answered_by").remote_field.related_name == "+"
