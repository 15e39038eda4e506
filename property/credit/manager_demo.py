"""Demo data of project managers (issue 19 part 3), through the services; loaded by
``demo.load``. Dates are relative to today. Idempotent: nothing is added once a manager exists.

* Company 1 (company1@demo.gongzhi.cn, 滨江花园): 孙志强 manages 滨江花园 for two years, with a
  city award and an absence record in force (score 81.00, AA) and a record about him and the
  company still open to objection (company1 may object from the workbench); 刘芳 is
  registered, not yet in charge of an estate.
* Company 2: 赵立新 managed its estate until a record for false material banned him for a
  year; 陈静 took over the day after. Company 3 then registered 赵立新 (the person moves with
  his records): his ban refuses any new estate there until it ends.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal.core import demo as core_demo
from portal.organisations.models import Organisation, OrgKind
from property.registry.models import Estate

from .manager_services import manager_assign, manager_assignment_end, manager_register
from .models import CatalogueItem, ProjectManager
from .services import credit_record_add, credit_records_activate_due

SUMMARIES = {
    "M-AWARD": "被评为市级优秀物业项目经理。",
    "M-ABSENT": "街道检查时项目经理连续两周不在岗，未按规定报备。",
    "M-RECTIFY": "消防通道堵塞问题经责令整改，项目经理逾期未落实。",
    "M-FALSE": "申报优秀项目时提供虚假业绩材料，经区住建局核实。",
}


def _staff(company: Organisation):
    membership = company.memberships.filter(active=True).order_by("pk").first()
    return membership.user if membership else None


def _record(officer, company, estate, manager, code, days_ago, today):
    notified = today - timedelta(days=days_ago)
    return credit_record_add(
        actor=officer,
        company=company,
        estate=estate,
        item=CatalogueItem.objects.get(code=code),
        occurred_on=notified - timedelta(days=3),
        summary=SUMMARIES[code],
        manager=manager,
        today=notified,
    )


def load(stdout=None) -> None:
    if ProjectManager.objects.exists():
        return
    companies = core_demo.companies()[:3]
    estates = [Estate.objects.filter(company=c).order_by("pk").first() for c in companies]
    if len(companies) < 3 or None in estates[:2]:
        return
    today = timezone.localdate()
    bureau = Organisation.objects.get(kind=OrgKind.BUREAU, jurisdiction__depth=1)
    officer = bureau.memberships.filter(role="officer").first().user
    c1, c2, c3 = companies
    s1, s2, s3 = (_staff(c) for c in companies)

    wang = manager_register(
        actor=s1,
        company=c1,
        name="孙志强",
        qualification_number="WY-2016-310452",
        today=today - timedelta(days=800),
    )
    manager_assign(
        actor=s1,
        manager=wang,
        estate=estates[0],
        start=today - timedelta(days=730),
        today=today - timedelta(days=730),
    )
    manager_register(
        actor=s1, company=c1, name="刘芳", qualification_number="WY-2021-118203", today=today
    )
    _record(officer, c1, estates[0], wang, "M-AWARD", 120, today)
    _record(officer, c1, estates[0], wang, "M-ABSENT", 60, today)

    zhao = manager_register(
        actor=s2,
        company=c2,
        name="赵立新",
        qualification_number="WY-2015-207731",
        today=today - timedelta(days=900),
    )
    first = manager_assign(
        actor=s2,
        manager=zhao,
        estate=estates[1],
        start=today - timedelta(days=860),
        today=today - timedelta(days=860),
    )
    banned = _record(officer, c2, estates[1], zhao, "M-FALSE", 90, today)
    credit_records_activate_due(today=today)
    banned.refresh_from_db()
    manager_assignment_end(actor=s2, assignment=first, end=banned.effective, today=banned.effective)
    chen = manager_register(
        actor=s2,
        company=c2,
        name="陈静",
        qualification_number="WY-2019-052618",
        today=banned.effective,
    )
    manager_assign(
        actor=s2,
        manager=chen,
        estate=estates[1],
        start=banned.effective + timedelta(days=1),
        today=banned.effective,
    )
    # The banned manager moves to company 3: his records and ban go with him.
    manager_register(
        actor=s3, company=c3, name="赵立新", qualification_number="WY2015207731", today=today
    )
    # Still in its objection window: company 1 may object for its manager.
    _record(officer, c1, estates[0], wang, "M-RECTIFY", 2, today)
    if stdout:
        stdout.write(
            f"  credit: {ProjectManager.objects.count()} project managers, "
            f"{wang.records.count() + zhao.records.count()} records about them"
        )
