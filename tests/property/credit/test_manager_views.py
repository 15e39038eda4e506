"""Project managers' pages: who may see and do what (role and company), and what they show."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.organisations.models import OrgKind
from property.credit.manager_services import manager_assign, manager_register
from property.credit.models import CreditRecord, ManagerAssignment, ProjectManager
from property.credit.services import credit_record_add, credit_records_activate_due
from tests.factories import make_owner, staff
from tests.property.credit.factories import city_officer, company_staff, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def register(world, n=0, name="王建国", number="WY20190001"):
    return manager_register(
        actor=None, company=world.companies[n], name=name, qualification_number=number
    )


def banned(world, today):
    """A manager of company 1 with an M-FALSE record (365-day ban) in force today."""
    manager = register(world)
    notified = today - timedelta(days=40)
    r = credit_record_add(
        actor=city_officer(world),
        company=world.companies[0],
        estate=world.estates[0],
        item=item("M-FALSE"),
        occurred_on=notified,
        summary="提供虚假业绩材料。",
        manager=manager,
        today=notified,
    )
    credit_records_activate_due(today=today)
    r.refresh_from_db()
    assert r.effective <= today
    return manager, r


def test_public_list_and_page(client, world, today):
    """Anyone sees the list and a manager's page: masked number, company, estates with
    periods, records in force, score and the ban; never the record's summary."""
    manager, r = banned(world, today)
    manager_assign(
        actor=None,
        manager=register(world, name="李四", number="WY20190002"),
        estate=world.estates[0],
        start=today,
    )
    page = client.get("/credit/managers/").content.decode()
    assert "王建国" in page and "李四" in page and "WY****0001" in page
    assert "WY20190001" not in page
    found = client.get("/credit/managers/", {"q": "wy 2019 0001"}).content.decode()
    assert "王建国" in found and "李四" not in found
    detail = client.get(f"/credit/managers/{manager.pk}/").content.decode()
    assert item("M-FALSE").description in detail
    assert "提供虚假业绩材料" not in detail
    assert r.effective.isoformat() in detail
    assert (r.effective + timedelta(days=364)).isoformat() in detail  # the ban's last day
    assert "WY20190001" not in detail


def test_company_page_shows_the_current_manager(client, world, today):
    manager = register(world)
    manager_assign(actor=None, manager=manager, estate=world.estates[0], start=today)
    page = client.get(f"/credit/company/{world.companies[0].credit_code}/").content.decode()
    assert f'href="/credit/managers/{manager.pk}/"' in page


def test_managers_mine_and_register_are_refused_to_others(client, world):
    """/credit/managers/mine/ and register: company staff only."""
    others = (
        make_owner(world.estates[0])[0],
        city_officer(world),
        staff(OrgKind.OWNERS_COMMITTEE, world.estate_nodes[0], organisation=world.committees[0]),
    )
    for url in ("/credit/managers/mine/", "/credit/managers/register/"):
        assert client.get(url).status_code == 302  # anonymous: to log in
        for user in others:
            client.force_login(user)
            assert client.get(url).status_code == 403
        client.logout()


def test_company_registers_and_assigns(client, world, today):
    client.force_login(company_staff(world))
    response = client.post(
        "/credit/managers/register/",
        {"company": world.companies[0].pk, "name": "王建国", "qualification_number": "wy20190001"},
    )
    manager = ProjectManager.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/credit/managers/{manager.pk}/assign/"
    response = client.post(
        f"/credit/managers/{manager.pk}/assign/",
        {"estate": world.estates[0].pk, "start": today.isoformat()},
    )
    assert response.status_code == 302
    assert ManagerAssignment.objects.get().estate == world.estates[0]
    page = client.get("/credit/managers/mine/").content.decode()
    assert "王建国" in page and "WY20190001" in page  # the company sees the full number


def test_register_shows_the_refusal_in_chinese(client, world):
    client.force_login(company_staff(world))
    response = client.post(
        "/credit/managers/register/",
        {"company": world.companies[0].pk, "name": "王建国", "qualification_number": "12"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "资格证书" in response.content.decode()
    assert not ProjectManager.objects.exists()


def test_register_refuses_another_companys_choice(client, world):
    """Staff of company 1 cannot register a manager for company 2 (not among the choices)."""
    client.force_login(company_staff(world))
    client.post(
        "/credit/managers/register/",
        {"company": world.companies[1].pk, "name": "王建国", "qualification_number": "WY20190001"},
    )
    assert not ProjectManager.objects.exists()


def test_other_company_cannot_assign_or_end(client, world, today):
    manager = register(world)
    a = manager_assign(actor=None, manager=manager, estate=world.estates[0], start=today)
    client.force_login(company_staff(world, n=1))
    assert client.get(f"/credit/managers/{manager.pk}/assign/").status_code == 403
    assert (
        client.post(
            f"/credit/managers/{manager.pk}/assign/",
            {"estate": world.estates[0].pk, "start": today.isoformat()},
        ).status_code
        == 403
    )
    assert client.get(f"/credit/managers/assignments/{a.pk}/end/").status_code == 403
    assert (
        client.post(
            f"/credit/managers/assignments/{a.pk}/end/", {"end": today.isoformat()}
        ).status_code
        == 403
    )
    a.refresh_from_db()
    assert a.end is None
    client.force_login(city_officer(world))
    assert client.get(f"/credit/managers/{manager.pk}/assign/").status_code == 403
    client.logout()
    assert client.get(f"/credit/managers/{manager.pk}/assign/").status_code == 302


def test_company_ends_an_assignment(client, world, today):
    manager = register(world)
    a = manager_assign(actor=None, manager=manager, estate=world.estates[0], start=today)
    client.force_login(company_staff(world))
    assert client.get(f"/credit/managers/assignments/{a.pk}/end/").status_code == 200
    response = client.post(f"/credit/managers/assignments/{a.pk}/end/", {"end": today.isoformat()})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.end == today


def test_banned_manager_refused_on_the_page_nothing_written(client, world, today):
    """The ban follows the person: company 2 registers them and the assignment is refused with
    a Chinese explanation."""
    manager, _r = banned(world, today)
    client.force_login(company_staff(world, n=1))
    client.post(
        "/credit/managers/register/",
        {"company": world.companies[1].pk, "name": "王建国", "qualification_number": "WY20190001"},
    )
    manager.refresh_from_db()
    assert manager.company == world.companies[1]
    response = client.post(
        f"/credit/managers/{manager.pk}/assign/",
        {"estate": world.estates[1].pk, "start": today.isoformat()},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "禁止" in response.content.decode() or "禁入" in response.content.decode()
    assert not ManagerAssignment.objects.exists()


def test_bureau_adds_a_record_about_a_manager(client, world, today):
    manager = register(world)
    client.force_login(city_officer(world))
    response = client.post(
        "/credit/records/add/",
        {
            "company": world.companies[0].pk,
            "estate": world.estates[0].pk,
            "item": item("M-ABSENT").pk,
            "manager": manager.pk,
            "occurred_on": today.isoformat(),
            "summary": "项目经理连续两周不在岗。",
        },
    )
    assert response.status_code == 302
    assert CreditRecord.objects.get().manager == manager


def test_company_objects_to_a_manager_record_through_the_page(client, world, today):
    """The record about the manager is the company's to object to, on the usual page; staff of
    another company may not."""
    manager = register(world)
    r = credit_record_add(
        actor=city_officer(world),
        company=world.companies[0],
        estate=world.estates[0],
        item=item("M-ABSENT"),
        occurred_on=today,
        summary="项目经理连续两周不在岗。",
        manager=manager,
        today=today,
    )
    client.force_login(company_staff(world, n=1))
    assert client.get(f"/credit/records/{r.pk}/object/").status_code == 403
    client.force_login(company_staff(world))
    page = client.get(f"/credit/records/{r.pk}/object/").content.decode()
    assert "王建国" in page
    response = client.post(f"/credit/records/{r.pk}/object/", {"reason": "当日在岗，有考勤为证。"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == "objected"


def test_supervision_page_lists_banned_managers(client, world, today):
    manager, _r = banned(world, today)
    client.force_login(city_officer(world))
    page = client.get("/credit/supervision/").content.decode()
    assert f'href="/credit/managers/{manager.pk}/"' in page
