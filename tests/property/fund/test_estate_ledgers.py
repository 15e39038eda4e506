"""The estate's fund page lists its unit ledgers for those who may open any of them (the
committee, the company, the street office): each links the ledger, a unit code narrows the
list. An owner of the estate sees the page without the list (their own ledgers are on their own
pages)."""

import re

import pytest
from django.urls import reverse

from property.fund.models import FundAccount

from .factories import cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(world):
    return cast(world)


def ledger_links(html: str) -> set[str]:
    return set(re.findall(r'href="(/fund/ledger/\d+/)"', html))


@pytest.mark.parametrize("who", ["committee", "company", "street"])
def test_staff_reach_every_ledger_from_the_estate_page(client, c, who):
    client.force_login(getattr(c, who))
    page = client.get(reverse("fund:estate", args=[c.estate.code]))
    assert page.status_code == 200
    links = ledger_links(page.content.decode())
    expected = {
        reverse("fund:ledger", args=[pk])
        for pk in FundAccount.objects.filter(estate=c.estate).values_list("pk", flat=True)
    }
    assert links == expected
    # and each opens for them
    assert client.get(sorted(links)[0]).status_code == 200


def test_a_unit_code_narrows_the_list(client, c):
    client.force_login(c.committee)
    page = client.get(reverse("fund:estate", args=[c.estate.code]), {"unit": "1-2"})
    codes = set(
        FundAccount.objects.filter(estate=c.estate, unit__code__startswith="1-2").values_list(
            "pk", flat=True
        )
    )
    assert ledger_links(page.content.decode()) == {
        reverse("fund:ledger", args=[pk]) for pk in codes
    }
    assert len(codes) == 2


def test_an_owner_sees_no_one_else_s_ledger(client, c):
    client.force_login(c.owner)
    page = client.get(reverse("fund:estate", args=[c.estate.code]))
    assert page.status_code == 200
    assert ledger_links(page.content.decode()) == set()
