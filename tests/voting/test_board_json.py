"""``/votes/<id>/board.json`` serves the file written once when the vote was counted (issue 14,
finding 14: it was rebuilt on every anonymous request: 150,000 ballots took 68 MB, 5.4 s and
760 MB of memory each time), writes nothing, and is rate limited per client."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.factories import add_units
from tests.voting.factories import finish, open_vote, party
from voting import board, services
from voting.models import TreeHead
from voting.verify import verify_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(world):
    estate = world.estates[0]
    add_units(estate, [("1-101", "100.00", "A"), ("1-102", "90.00", "B")])
    vote = open_vote(estate)
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "A"), choice="agree")
    services.ballot_cast(actor=None, vote=vote, party=party(estate, "B"), choice="oppose")
    return finish(vote)


@pytest.fixture(autouse=True)
def _throttle_cache():
    cache.clear()
    yield
    cache.clear()


def _get(client, vote):
    return client.get(reverse("voting:board_json", args=[vote.pk]))


def test_the_count_writes_the_export_file_and_the_page_serves_it(client, counted):
    path = board.export_file(counted)
    assert path.is_file()
    response = _get(client, counted)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == path.read_bytes()
    assert verify_export(json.loads(body)).ok
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]


def test_a_request_never_builds_the_export_nor_writes(client, counted, monkeypatch):
    def refuse(vote):
        raise AssertionError("the export was built in a request")

    monkeypatch.setattr(board, "board_export", refuse)
    heads, events = TreeHead.objects.count(), AuditEvent.objects.count()
    for _ in range(3):
        assert _get(client, counted).status_code == 200
    assert (TreeHead.objects.count(), AuditEvent.objects.count()) == (heads, events)


def test_before_the_file_is_written_the_answer_is_retry_later(client, counted):
    path = board.export_file(counted)
    path.unlink()
    response = _get(client, counted)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    # The board's every-minute task writes the export of any counted vote that lacks one.
    board.sign_tree_heads()
    assert path.is_file()
    assert _get(client, counted).status_code == 200


def test_a_published_file_is_not_rewritten(counted):
    path = board.export_file(counted)
    before = path.stat().st_mtime_ns
    assert board.board_export_publish(vote=counted) == path
    assert path.stat().st_mtime_ns == before


def test_one_client_is_rate_limited(client, counted, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "board_export": "2/min"},
    }
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        assert _get(client, counted).status_code == 200
        assert _get(client, counted).status_code == 200
        assert _get(client, counted).status_code == 429
    finally:
        ScopedRateThrottle.THROTTLE_RATES = rates
