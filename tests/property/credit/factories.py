"""Builders for credit tests: records added through the service, on a chosen day."""

from datetime import date

from portal.organisations.models import OrgKind, Role
from property.credit.models import CatalogueItem, ChecklistEntry, ChecklistItem
from property.credit.services import credit_record_add
from tests.factories import staff


def city_officer(world, role=Role.OFFICER):
    return staff(OrgKind.BUREAU, world.city, role, organisation=world.bureau)


def company_staff(world, n=0):
    return staff(OrgKind.PROPERTY_COMPANY, world.city, organisation=world.companies[n])


def item(code: str) -> CatalogueItem:
    return CatalogueItem.objects.get(code=code)


def add_record(world, *, code="B-RECTIFY", n=0, on=date(2026, 9, 28), actor=None, estate=True):
    actor = actor or city_officer(world)
    return credit_record_add(
        actor=actor,
        company=world.companies[n],
        estate=world.estates[n] if estate else None,
        item=item(code),
        occurred_on=on,
        summary="消防通道堵塞，责令整改逾期未改。",
        today=on,
    )


def fill_checklist(company, year: int, total_each: bool = True) -> None:
    """Give the company full checklist points (60) for ``year``."""
    for it in ChecklistItem.objects.all():
        ChecklistEntry.objects.create(company=company, year=year, item=it, points=it.max_points)
