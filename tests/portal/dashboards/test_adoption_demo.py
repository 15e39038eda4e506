"""The adoption indicators on the demo city, checked against a hand count (issue 17 part 6).

The expected figures are counted here straight from the raw rows (votes, their stored tally
results, ballots, units) without the dashboards' code, then compared with the city's and a
district's dashboard, their pages (zh and en), the public ``/api/v1/indicators/`` and the staff
node endpoint. The demo city has valid decisions and a vote that failed for participation.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.dashboards.selectors import node_dashboard
from portal.organisations.models import Jurisdiction, Level, OrgKind
from tests.factories import staff
from tests.portal.api.conftest import token_header
from tests.shared_data import migration_data_back, settle_constraint_checks


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo city's organisations, registry and votes (no fund, credit or pages)."""
    from portal.core import demo as core_demo
    from property.registry import demo as registry_demo
    from voting import demo as voting_demo

    with django_db_blocker.unblock(), transaction.atomic():
        migration_data_back()
        core_demo.load()
        registry_demo.load()
        voting_demo.load()
        settle_constraint_checks()
        yield Jurisdiction.objects.get(level=Level.CITY)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def no_cache(settings):
    settings.OPEN_DATA_CACHE_SECONDS = 0
    cache.clear()


def _pct(num, den):
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _median(values):
    values = sorted(values)
    mid = len(values) // 2
    if len(values) % 2:
        return values[mid]
    return (values[mid - 1] + values[mid]) / 2


def hand_count(prefix: str) -> dict:
    """The adoption figures of the estates under ``prefix``, counted from the raw rows."""
    from property.registry.models import Estate, Unit
    from voting.models import Ballot, Vote

    estates = list(Estate.objects.filter(jurisdiction__path__startswith=prefix))
    with_units = {u for u in Unit.objects.values_list("estate_id", flat=True)}
    today = timezone.localdate()
    since = today - timedelta(days=365)  # 2025-11-29 .. 2026-11-29: no 29 February between
    counted = [
        v
        for v in Vote.objects.filter(estate__in=estates, counted_at__isnull=False)
        if since <= timezone.localdate(v.counted_at) <= today and v.result
    ]
    decided = [v for v in counted if v.result["participation_met"] and v.status != "set_aside"]
    heads = [(v.result["participating"]["heads"], v.result["total"]["heads"]) for v in counted]
    areas = [
        (Decimal(v.result["participating"]["area"]), Decimal(v.result["total"]["area"]))
        for v in counted
    ]
    ballots = {
        c: Ballot.objects.filter(vote__in=counted, channel=c).count()
        for c in ("online", "paper", "proxy")
    }
    total = sum(ballots.values())

    def median_pct(pairs):
        from fractions import Fraction

        m = _median([Fraction(p) / Fraction(t) for p, t in pairs if t])
        return _pct(m.numerator, m.denominator)

    return {
        "estates": len(estates),
        "on_platform": sum(1 for e in estates if e.pk in with_units),
        "with_decision": len({v.estate_id for v in decided}),
        "counted": len(counted),
        "decided": len(decided),
        "failed": sum(1 for v in counted if not v.result["participation_met"]),
        "heads": median_pct(heads) if counted else None,
        "area": median_pct(areas) if counted else None,
        "ballots": ballots,
        "shares": {c: _pct(n, total) for c, n in ballots.items()} if total else None,
    }


def _as_figures(a) -> dict:
    return {
        "estates": a.estates,
        "on_platform": a.estates_on_platform,
        "with_decision": a.estates_with_decision,
        "counted": a.votes_counted,
        "decided": a.valid_decisions,
        "failed": a.failed_participation,
        "heads": a.median_turnout_heads,
        "area": a.median_turnout_area,
        "ballots": {c: n for c, n, _p in a.channels},
        "shares": {c: p for c, _n, p in a.channels} if a.ballots else None,
    }


@pytest.mark.django_db
def test_city_and_district_figures_match_the_hand_count(demo):
    expected = hand_count(demo.path)
    # the demo makes them non-trivial: decisions reached and one vote that failed for turnout
    assert expected["decided"] >= 2 and expected["failed"] >= 1
    assert expected["with_decision"] >= 2 and expected["ballots"]["online"] > 0
    board = node_dashboard(demo)
    assert _as_figures(board.adoption) == expected
    for child in board.children:
        assert _as_figures(board.children_adoption[child.node.path]) == hand_count(child.node.path)
    district = board.children[0].node
    assert _as_figures(node_dashboard(district).adoption) == hand_count(district.path)


@pytest.mark.django_db
def test_counted_votes_ballots_materialised_give_the_same_figures(demo):
    """The counted votes' ballots by channel, stored by the worker's refresh (issue 21), give
    the same adoption figures as the live count; a vote not yet counted gets no row."""
    from portal.dashboards.models import CountedVoteBallots
    from portal.dashboards.services import counted_vote_ballots_refresh
    from voting.models import RESULT_STATUSES, Vote

    before = node_dashboard(demo)
    made = counted_vote_ballots_refresh()
    counted = Vote.objects.filter(status__in=RESULT_STATUSES)
    assert made == counted.count() >= 2
    assert set(CountedVoteBallots.objects.values_list("vote_id", flat=True)) == set(
        counted.values_list("pk", flat=True)
    )
    assert counted_vote_ballots_refresh() == 0  # nothing left to do
    after = node_dashboard(demo)
    assert _as_figures(after.adoption) == _as_figures(before.adoption) == hand_count(demo.path)
    for child in after.children:
        path = child.node.path
        assert _as_figures(after.children_adoption[path]) == hand_count(path)
    assert after.breakdowns == before.breakdowns and after.total == before.total
    CountedVoteBallots.objects.all().delete()


@pytest.mark.django_db
def test_public_api_lists_every_node_down_to_communities(client, demo):
    expected = hand_count(demo.path)
    rows = client.get("/api/v1/indicators/").json()["results"]
    levels = {r["level"] for r in rows}
    assert levels == {"city", "district", "street", "community"}
    (city,) = [r for r in rows if r["code"] == demo.code]
    got = city["indicators"]
    assert got["estates_on_platform"] == expected["on_platform"]
    assert got["estates_with_decision"] == expected["with_decision"]
    assert got["failed_participation"] == expected["failed"]
    assert Decimal(got["median_turnout_heads"]) == expected["heads"]
    assert Decimal(got["median_turnout_area"]) == expected["area"]
    for c, n in expected["ballots"].items():
        assert got["channels"][c]["ballots"] == n
        assert Decimal(got["channels"][c]["share"]) == expected["shares"][c]
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/indicators/" in schema["paths"]


@pytest.mark.django_db
def test_the_page_shows_the_figures_in_both_languages(client, demo):
    expected = hand_count(demo.path)
    client.force_login(staff(OrgKind.BUREAU, demo))
    url = reverse("dashboards:node", args=[demo.code])
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert "Adoption of the platform" in html
    assert f'data-key="failed_participation">{expected["failed"]}<' in html
    assert f'data-key="median_turnout_heads">{expected["heads"]}%<' in html
    client.cookies["django_language"] = "zh-hans"
    html = client.get(url).content.decode()
    assert "平台应用情况" in html and "因参与不足未通过的表决" in html


@pytest.mark.django_db
def test_staff_node_endpoint_carries_the_node_s_adoption_and_refuses_other_areas(client, demo):
    district, other = Jurisdiction.objects.filter(level=Level.DISTRICT).order_by("path")[:2]
    officer = staff(OrgKind.BUREAU, district)
    url = reverse("api:staff-node", kwargs={"version": "v1", "code": district.code})
    data = client.get(url, **token_header(officer)).json()
    assert data["adoption"]["failed_participation"] == hand_count(district.path)["failed"]
    other_url = reverse("api:staff-node", kwargs={"version": "v1", "code": other.code})
    assert client.get(other_url, **token_header(officer)).status_code == 403
    client.force_login(officer)
    assert client.get(reverse("dashboards:node", args=[other.code])).status_code == 403


@pytest.mark.django_db
def test_staff_node_endpoint_reads_the_adoption_cached_on_the_votes_version(
    client, demo, monkeypatch
):
    """Asked again with no vote changed, the endpoint does not walk the counted votes again."""
    from voting import indicators

    district = Jurisdiction.objects.filter(level=Level.DISTRICT).order_by("path").first()
    officer = staff(OrgKind.BUREAU, district)
    url = reverse("api:staff-node", kwargs={"version": "v1", "code": district.code})
    walks = []
    real = indicators.adoption_of
    monkeypatch.setattr(indicators, "adoption_of", lambda *a, **k: walks.append(1) or real(*a, **k))
    first = client.get(url, **token_header(officer)).json()["adoption"]
    assert client.get(url, **token_header(officer)).json()["adoption"] == first
    assert len(walks) == 1


@pytest.mark.django_db
def test_csv_export_carries_the_adoption_table(client, demo):
    """The CSV has the page's adoption figures: the node's row, then each child's."""
    import csv
    import io

    expected = hand_count(demo.path)
    client.force_login(staff(OrgKind.BUREAU, demo))
    client.cookies["django_language"] = "en"
    body = client.get(reverse("dashboards:export_csv", args=[demo.code])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(body)))
    start = rows.index(["Adoption of the platform"])
    header, city = rows[start + 1], dict(zip(rows[start + 1], rows[start + 2], strict=True))
    assert city["Code"] == demo.code
    assert city["Votes failed for lack of participation"] == str(expected["failed"])
    assert city["Estates that reached a valid decision"] == str(expected["with_decision"])
    assert city["Median turnout by area (%)"] == str(expected["area"])
    assert city["Online: ballots"] == str(expected["ballots"]["online"])
    assert "Proxy: share (%)" in header
    assert len(rows[start + 3 : start + 3 + 3]) == 3  # the three districts follow
