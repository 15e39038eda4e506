"""Credit records through the Django layer: notice and objection window in working days,
activation by the worker, objections upheld or accepted, and the audit trail (DOMAIN.md §3)."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from portal.audit.models import AuditEvent
from property.credit.models import CreditRecord, RecordStatus
from property.credit.services import (
    credit_objection_accept,
    credit_objection_file,
    credit_objection_uphold,
    credit_record_add,
    credit_records_activate_due,
)
from property.registry.models import Holiday
from property.workdays import load_official_calendar
from tests.property.credit.factories import add_record, city_officer, company_staff, item

pytestmark = pytest.mark.django_db

MONDAY_BEFORE_NATIONAL_DAY = date(2026, 9, 28)


def test_objection_window_counts_working_days_across_national_day(world):
    """10 working days from Mon 2026-09-28 skip the National Day holiday (Oct 1-7) and count
    the make-up Saturday Oct 10: the deadline is 2026-10-16, not 2026-10-12."""
    record = add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY)
    assert record.objection_deadline == date(2026, 10, 16)
    assert record.status == RecordStatus.PENDING


def test_holiday_added_by_the_bureau_moves_the_objection_deadline(world):
    """The objection window counts on the Holiday table the bureau keeps in admin, not only on
    the shipped CSV: a day off added there (Mon 2026-10-12, not in the CSV) is not a working
    day, so the deadline moves from Fri 2026-10-16 to Mon 2026-10-19, as the fund's review
    deadline moves (DOMAIN.md §2-3: one official calendar, kept as data)."""
    extra = date(2026, 10, 12)
    assert extra not in load_official_calendar().holidays
    assert add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY).objection_deadline == date(2026, 10, 16)
    Holiday.objects.create(date=extra, kind="holiday", name="临时调整")
    assert add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY).objection_deadline == date(2026, 10, 19)


def test_objection_accepted_on_last_day_refused_after(world):
    """The company may object up to and including the deadline, not the day after."""
    late = add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY)
    on_time = add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY)
    person = company_staff(world)
    with pytest.raises(ValidationError):
        credit_objection_file(actor=person, record=late, reason="不属实", today=date(2026, 10, 17))
    credit_objection_file(actor=person, record=on_time, reason="不属实", today=date(2026, 10, 16))
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.status == RecordStatus.OBJECTED
    assert late.status == RecordStatus.PENDING


def test_record_takes_effect_the_day_after_the_window_passes(world):
    """The worker activates a record only once its window has passed with no objection; the
    record is in effect from the day after the deadline; objected records wait."""
    record = add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY)
    objected = add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY)
    credit_objection_file(
        actor=company_staff(world), record=objected, reason="已整改", today=date(2026, 10, 9)
    )
    assert credit_records_activate_due(today=date(2026, 10, 16)) == 0
    assert credit_records_activate_due(today=date(2026, 10, 17)) == 1
    record.refresh_from_db()
    objected.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE
    assert record.effective == date(2026, 10, 17)
    assert objected.status == RecordStatus.OBJECTED
    assert AuditEvent.objects.filter(action="credit.record_effective", object_id=str(record.pk))


def test_upheld_record_takes_effect_on_the_decision_and_accepted_is_revoked(world):
    """Rejecting the objection makes the record effective that day; accepting it revokes it."""
    stands = add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY)
    goes = add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY)
    person, approver = company_staff(world), city_officer(world)
    o1 = credit_objection_file(actor=person, record=stands, reason="a", today=date(2026, 10, 9))
    o2 = credit_objection_file(actor=person, record=goes, reason="b", today=date(2026, 10, 9))
    credit_objection_uphold(actor=approver, objection=o1, note="证据充分", today=date(2026, 10, 20))
    credit_objection_accept(actor=approver, objection=o2, note="已整改", today=date(2026, 10, 20))
    stands.refresh_from_db()
    goes.refresh_from_db()
    assert (stands.status, stands.effective) == (RecordStatus.EFFECTIVE, date(2026, 10, 20))
    assert (goes.status, goes.revoked_on) == (RecordStatus.REVOKED, date(2026, 10, 20))
    with pytest.raises(ValidationError):  # decided once only
        credit_objection_uphold(actor=approver, objection=o2, today=date(2026, 10, 21))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "credit.record_added",
        "credit.objection_filed",
        "credit.objection_rejected",
        "credit.record_revoked",
    } <= actions


def test_company_is_notified_by_email(world, django_capture_on_commit_callbacks):
    """Adding a record mails the company's staff with the objection deadline."""
    person = company_staff(world)
    with django_capture_on_commit_callbacks(execute=True):
        add_record(world, on=MONDAY_BEFORE_NATIONAL_DAY)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    assert "2026-10-16" in mail.outbox[0].body


def test_bad_record_input_writes_nothing(world):
    """An estate not managed by the company, or a future date, is refused and nothing is saved."""
    officer = city_officer(world)
    with pytest.raises(ValidationError) as exc:
        credit_record_add(
            actor=officer,
            company=world.companies[0],
            estate=world.estates[1],
            item=item("B-FIRE"),
            occurred_on=date(2026, 9, 1),
            summary="x",
            today=date(2026, 9, 28),
        )
    assert "estate" in exc.value.message_dict
    with pytest.raises(ValidationError):
        add_record(world, on=date(2026, 9, 28), actor=officer).__class__  # valid one first
        credit_record_add(
            actor=officer,
            company=world.companies[0],
            item=item("B-FIRE"),
            occurred_on=date(2026, 10, 1),
            summary="x",
            today=date(2026, 9, 28),
        )
    assert CreditRecord.objects.count() == 1
    assert not AuditEvent.objects.filter(action="credit.record_added").count() > 1
