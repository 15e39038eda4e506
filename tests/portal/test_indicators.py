"""The composition of the indicators (``portal.indicators``, issue 20): each domain's own
``indicators`` module contributes its figures, and the catalogue the dashboards, their exports
and the API read keeps one order, the one the pages, the CSV columns and the API fields had
before the split."""

from cms import indicators as cms_indicators
from portal import indicators
from property.credit import indicators as credit_indicators
from property.fund import indicators as fund_indicators
from property.registry import indicators as registry_indicators
from property.revenue import indicators as revenue_indicators
from voting import indicators as voting_indicators

BEFORE_THE_SPLIT = [
    "estates",
    "managed_estates",
    "units",
    "area",
    "parties",
    "verified_parties",
    "verified_share",
    "votes_open",
    "votes_counted",
    "votes_passed",
    "turnout_part",
    "turnout_total",
    "turnout_area",
    "fund_balance",
    "fund_accounts",
    "refill_due",
    "fund_requests_open",
    "emergency_pending",
    "revenue_income",
    "revenue_transfer",
    "revenue_balance",
    "revenue_late",
    "companies",
    "companies_blacklisted",
    "notices",
]


def test_the_catalogue_keeps_its_order():
    assert [i.key for i in indicators.INDICATORS] == BEFORE_THE_SPLIT
    assert list(indicators.GROUPS) == ["registry", "voting", "fund", "revenue", "credit", "notices"]
    assert [i.key for i in indicators.visible_indicators()] == [
        k for k in BEFORE_THE_SPLIT if k not in ("turnout_part", "turnout_total")
    ]


def test_each_domain_declares_the_indicators_of_its_own_group():
    """A domain's figures sit under its own group title (hidden ratio parts excepted)."""
    for domain in (
        registry_indicators,
        voting_indicators,
        fund_indicators,
        revenue_indicators,
        credit_indicators,
        cms_indicators,
    ):
        group, _title = domain.GROUP
        assert {i.group for i in domain.INDICATORS if not i.hidden} == {group}


def test_ratios_are_computed_from_figures_of_the_catalogue():
    keys = {i.key for i in indicators.INDICATORS}
    for ind in indicators.INDICATORS:
        if ind.ratio:
            assert set(ind.ratio) <= keys


def test_the_unit_figures_are_the_registry_s_then_the_fund_s():
    """The materialised row's columns (``EstateFigures``), read by the scope query by name."""
    assert indicators.UNIT_FIGURES == (
        "units",
        "area_centi",
        "parties",
        "verified_parties",
        "fund_accounts",
        "balance_fen",
        "refill_due",
    )
