"""Project managers' services: registration, assignments, the ban across companies, records
that apply to the manager, the company or both, and the objection flow for a manager record."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.audit.models import AuditEvent
from property.credit import manager_selectors
from property.credit.manager_services import (
    ManagerError,
    manager_assign,
    manager_assignment_end,
    manager_register,
)
from property.credit.models import ManagerAssignment, ProjectManager, RecordStatus
from property.credit.selectors import company_breakdown, records_in_force
from property.credit.services import (
    credit_objection_accept,
    credit_objection_file,
    credit_objection_uphold,
    credit_record_add,
    credit_records_activate_due,
)
from tests.property.credit.factories import city_officer, company_staff, item

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)  # a Monday
NUMBER = "WY20190001"


def register(world, n=0, name="王建国", number=NUMBER, today=DAY):
    return manager_register(
        actor=company_staff(world, n),
        company=world.companies[n],
        name=name,
        qualification_number=number,
        today=today,
    )


def record(world, manager, code, *, n=0, on=DAY, estate=True):
    return credit_record_add(
        actor=city_officer(world),
        company=world.companies[n],
        estate=world.estates[n] if estate else None,
        item=item(code),
        occurred_on=on,
        summary="项目经理长期不在岗。",
        manager=manager,
        today=on,
    )


def in_force(world, manager, code, *, n=0, on=DAY):
    """A record about the manager that took effect when its objection window passed."""
    r = record(world, manager, code, n=n, on=on)
    credit_records_activate_due(today=r.objection_deadline + timedelta(days=1))
    r.refresh_from_db()
    assert r.status == RecordStatus.EFFECTIVE
    return r


# ---- registration ---------------------------------------------------------------------------


def test_register_normalises_the_number(world):
    manager = register(world, number=" wy 2019 0001 ")
    assert manager.qualification_number == NUMBER
    assert manager.company == world.companies[0]
    assert AuditEvent.objects.filter(action="credit.manager_registered").count() == 1


@pytest.mark.parametrize("number", ["", "12345", "WY_2019", "ABCDEFGHIJ"])
def test_register_refuses_a_bad_number(world, number):
    with pytest.raises(ManagerError) as exc:
        register(world, number=number)
    assert exc.value.field == "qualification_number"
    assert not ProjectManager.objects.exists()


def test_register_refuses_an_empty_name(world):
    with pytest.raises(ManagerError):
        register(world, name="  ")


def test_register_twice_in_one_company_is_refused(world):
    register(world)
    with pytest.raises(ManagerError) as exc:
        register(world, number="wy20190001")
    assert exc.value.code == "duplicate"


def test_another_company_takes_over_a_free_manager_with_their_records(world):
    """The qualification number is the person's: company 2 registering it moves the person,
    their records stay with them."""
    manager = register(world)
    r = in_force(world, manager, "M-ABSENT")
    moved = register(world, n=1)
    assert moved.pk == manager.pk and moved.company == world.companies[1]
    assert manager_selectors.manager_records_in_force(moved, r.effective) == [r]
    assert AuditEvent.objects.filter(action="credit.manager_moved").count() == 1


def test_another_company_cannot_take_a_manager_still_in_charge(world):
    manager = register(world)
    manager_assign(
        actor=None, manager=manager, estate=world.estates[0], start=DAY - timedelta(30), today=DAY
    )
    with pytest.raises(ManagerError) as exc:
        register(world, n=1)
    assert exc.value.code == "still_assigned"
    assert ProjectManager.objects.get().company == world.companies[0]


def test_another_company_must_give_the_same_name(world):
    register(world)
    with pytest.raises(ManagerError) as exc:
        register(world, n=1, name="李四")
    assert exc.value.code == "name_mismatch"


# ---- assignments ------------------------------------------------------------------------------


def test_assign_only_to_the_companys_estates(world):
    manager = register(world)
    with pytest.raises(ManagerError):
        manager_assign(actor=None, manager=manager, estate=world.estates[1], start=DAY, today=DAY)


def test_a_new_manager_ends_the_estates_current_one(world):
    first = register(world)
    second = register(world, name="李四", number="WY20190002")
    a1 = manager_assign(
        actor=None, manager=first, estate=world.estates[0], start=DAY - timedelta(100), today=DAY
    )
    a2 = manager_assign(actor=None, manager=second, estate=world.estates[0], start=DAY, today=DAY)
    a1.refresh_from_db()
    assert a1.end == DAY - timedelta(days=1) and a2.end is None
    assert manager_selectors.estate_manager(world.estates[0], DAY) == second
    assert manager_selectors.estate_manager(world.estates[0], DAY - timedelta(1)) == first


def test_an_assignment_before_an_existing_one_is_refused(world):
    first = register(world)
    manager_assign(actor=None, manager=first, estate=world.estates[0], start=DAY, today=DAY)
    with pytest.raises(ManagerError):
        manager_assign(
            actor=None, manager=first, estate=world.estates[0], start=DAY - timedelta(5), today=DAY
        )


def test_end_an_assignment(world):
    manager = register(world)
    a = manager_assign(actor=None, manager=manager, estate=world.estates[0], start=DAY, today=DAY)
    with pytest.raises(ManagerError):
        manager_assignment_end(actor=None, assignment=a, end=DAY - timedelta(1), today=DAY)
    manager_assignment_end(actor=None, assignment=a, end=DAY + timedelta(10), today=DAY)
    a.refresh_from_db()
    assert a.end == DAY + timedelta(10)
    with pytest.raises(ManagerError):  # an end is only moved earlier
        manager_assignment_end(actor=None, assignment=a, end=DAY + timedelta(11), today=DAY)


# ---- the ban across companies ------------------------------------------------------------------


def banned_and_moved(world):
    """A manager of company 1 gets a record carrying a 365-day ban, leaves, and company 2
    registers them."""
    manager = register(world)
    a = manager_assign(
        actor=None, manager=manager, estate=world.estates[0], start=DAY - timedelta(200), today=DAY
    )
    r = in_force(world, manager, "M-FALSE")
    manager_assignment_end(actor=None, assignment=a, end=DAY, today=DAY)
    manager = register(world, n=1, today=DAY + timedelta(1))
    return manager, r.effective


@pytest.mark.parametrize(
    "offset, refused",
    [(-1, False), (0, True), (200, True), (364, True), (365, False)],
)
def test_ban_follows_the_manager_to_another_company(world, offset, refused):
    """M-FALSE bans for 365 days from the day it takes effect (first and last day included);
    company 2 cannot put the manager in charge of its estate then, and nothing is written."""
    manager, effective = banned_and_moved(world)
    day = effective + timedelta(days=offset)
    before = (ManagerAssignment.objects.count(), AuditEvent.objects.count())
    if refused:
        with pytest.raises(ManagerError) as exc:
            manager_assign(
                actor=None, manager=manager, estate=world.estates[1], start=day, today=day
            )
        assert exc.value.code == "banned"
        assert (effective + timedelta(364)).isoformat() in str(exc.value)
        assert (ManagerAssignment.objects.count(), AuditEvent.objects.count()) == before
    else:
        manager_assign(actor=None, manager=manager, estate=world.estates[1], start=day, today=day)


def test_a_ban_cannot_be_dodged_by_backdating_or_postdating(world):
    """Entered during the ban: refused whatever the start; a start inside the ban: refused."""
    manager, effective = banned_and_moved(world)
    with pytest.raises(ManagerError):
        manager_assign(
            actor=None,
            manager=manager,
            estate=world.estates[1],
            start=effective - timedelta(30),
            today=effective + timedelta(10),
        )


def test_supervision_points_ban_a_manager(world):
    """12 bad points in force about the manager (M-ACCIDENT, 12 points) ban new estates."""
    manager = register(world)
    r = in_force(world, manager, "M-ACCIDENT")
    standing = manager_selectors.standing(manager, r.effective)
    assert standing.ban is not None
    assert standing.breakdown.blacklisted  # a serious record
    with pytest.raises(ManagerError):
        manager_assign(
            actor=None,
            manager=manager,
            estate=world.estates[0],
            start=r.effective,
            today=r.effective,
        )


# ---- whom a record applies to ---------------------------------------------------------------


def test_record_applies_to_manager_company_or_both(world):
    """A manager item counts for the manager only; a company item for the company only;
    "both" for both (one record, one objection flow)."""
    manager = register(world)
    only_manager = in_force(world, manager, "M-ABSENT")  # 2 points
    both = in_force(world, manager, "M-RECTIFY")  # 3 points
    only_company = record(world, None, "B-RECTIFY")  # 3 points
    credit_records_activate_due(today=only_company.objection_deadline + timedelta(1))
    as_of = only_company.objection_deadline + timedelta(1)

    m = manager_selectors.standing(manager, as_of).breakdown
    assert m.bad == Decimal("5.00") and m.score == Decimal("75.00")
    assert {int(r.code) for r in m.in_force} == {only_manager.pk, both.pk}

    _inputs, company, _records = company_breakdown(world.companies[0], as_of)
    assert {int(r.code) for r in company.in_force} == {both.pk, only_company.pk}
    assert {r.pk for r in records_in_force(world.companies[0], as_of)} == {
        both.pk,
        only_company.pk,
    }


@pytest.mark.parametrize(
    "code, with_manager, field",
    [
        ("B-RECTIFY", True, "manager"),
        ("M-ABSENT", False, "manager"),
        ("M-RECTIFY", False, "manager"),
    ],
)
def test_record_needs_a_manager_exactly_when_the_item_applies_to_one(
    world, code, with_manager, field
):
    manager = register(world)
    with pytest.raises(ValidationError) as exc:
        record(world, manager if with_manager else None, code)
    assert field in exc.value.message_dict


def test_record_about_another_companys_manager_is_refused(world):
    manager = register(world, n=1)
    with pytest.raises(ValidationError) as exc:
        record(world, manager, "M-ABSENT", n=0)
    assert "manager" in exc.value.message_dict


# ---- objections -------------------------------------------------------------------------------


def test_company_objects_for_its_manager_and_bureau_revokes(world):
    """A manager record goes through the company's flow: the company objects, the bureau
    accepts, the record is revoked and never counts for the manager or bans them."""
    manager = register(world)
    r = record(world, manager, "M-FALSE")
    objection = credit_objection_file(
        actor=company_staff(world), record=r, reason="该经理当日在岗，有考勤为证。", today=DAY
    )
    r.refresh_from_db()
    assert r.status == RecordStatus.OBJECTED
    credit_objection_accept(
        actor=city_officer(world), objection=objection, today=DAY + timedelta(5)
    )
    later = DAY + timedelta(days=30)
    standing = manager_selectors.standing(manager, later)
    assert standing.ban is None and standing.breakdown.score == Decimal("80.00")
    manager_assign(actor=None, manager=manager, estate=world.estates[0], start=later, today=later)


def test_bureau_rejects_the_objection_and_the_ban_starts_that_day(world):
    manager = register(world)
    r = record(world, manager, "M-FALSE")
    objection = credit_objection_file(actor=company_staff(world), record=r, reason="x", today=DAY)
    ruled = DAY + timedelta(days=5)
    credit_objection_uphold(actor=city_officer(world), objection=objection, today=ruled)
    standing = manager_selectors.standing(manager, ruled)
    assert standing.ban is not None and standing.ban.first_day == ruled
    assert standing.breakdown.bad == Decimal("6.00")
