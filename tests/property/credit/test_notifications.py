"""Credit steps tell the people who act next, and nobody else (issue 16): the company a record
is about (not another company), the housing bureau that rules on its objection, the companies
when a ranking is published, the owners when the survey opens. Each email links, on the
configured host, to the page where the recipient acts, and that page opens for them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.organisations.models import OrgKind
from property.credit import services
from tests.factories import make_owner, staff
from tests.notifying import assert_link_opens, assert_told, use_base
from tests.property.credit.factories import add_record, city_officer, company_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world, settings):
    use_base(settings)
    return {
        "company": company_staff(world, 0),
        "other_company": company_staff(world, 1),
        "bureau": city_officer(world),
        "street": staff(OrgKind.STREET_OFFICE, world.streets[0]),
    }


def test_record_objection_and_ruling(client, world, people, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        record = add_record(world, on=today, actor=people["bureau"])
    assert_told(
        "credit.record_added",
        to=[people["company"]],
        not_to=[people["other_company"], people["bureau"]],
    )
    assert_link_opens(client, "credit.record_added", people["company"])

    with django_capture_on_commit_callbacks(execute=True):
        objection = services.credit_objection_file(
            actor=people["company"], record=record, reason="已于通知前整改完毕", today=today
        )
    assert_told(
        "credit.objection_filed",
        to=[people["bureau"]],
        not_to=[people["company"], people["other_company"], people["street"]],
    )
    assert_link_opens(client, "credit.objection_filed", people["bureau"])

    with django_capture_on_commit_callbacks(execute=True):
        services.credit_objection_accept(actor=people["bureau"], objection=objection, today=today)
    assert_told(
        "credit.objection_accepted", to=[people["company"]], not_to=[people["other_company"]]
    )
    assert_link_opens(client, "credit.objection_accepted", people["company"])

    second = add_record(world, on=today, actor=people["bureau"], code="B-RECTIFY")
    objection = services.credit_objection_file(
        actor=people["company"], record=second, reason="不同意", today=today
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_objection_uphold(actor=people["bureau"], objection=objection, today=today)
    assert_told("credit.objection_upheld", to=[people["company"]], not_to=[people["other_company"]])
    assert_link_opens(client, "credit.objection_upheld", people["company"])


def test_ranking_published_to_the_companies(
    client, world, people, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_quarter_publish(
            actor=people["bureau"], year=today.year, quarter=(today.month - 1) // 3 + 1, today=today
        )
    assert_told(
        "credit.rating_published",
        to=[people["company"], people["other_company"]],
        not_to=[people["bureau"], people["street"]],
    )
    assert_link_opens(client, "credit.rating_published", people["other_company"])


def test_survey_opened_once_a_year_to_the_owners(
    client, world, people, django_capture_on_commit_callbacks
):
    owner, _unit = make_owner(world.estates[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.credit_survey_open(year=2026) >= 1
    assert services.credit_survey_open(year=2026) == 0  # once a year
    assert_told("credit.survey_opened", to=[owner], not_to=[people["company"], people["bureau"]])
    assert_link_opens(client, "credit.survey_opened", owner)
