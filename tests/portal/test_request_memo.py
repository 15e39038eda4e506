"""A fact asked by several permissions of one page is read once per request (portal.core.memo),
never across requests, and afresh after anything the request writes: the verified-owner check
of the registry, which the vote page asks twice."""

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from portal.core.memo import RequestMemoMiddleware, remembered
from property.registry import services
from property.registry.selectors import is_verified_owner
from tests.factories import make_owner
from tests.property.registry.factories import committee_member, registered_unit, submit_claim

pytestmark = pytest.mark.django_db

OWNER_CHECK = 'SELECT 1 AS "a" FROM "registry_ownership"'


def in_request(view):
    """Run ``view(request)`` through the memo's middleware, as one request; return its result."""
    seen = {}

    def get_response(request):
        seen["result"] = view(request)
        return HttpResponse()

    RequestMemoMiddleware(get_response)(RequestFactory().get("/"))
    return seen["result"]


def owner_checks(ctx) -> int:
    return sum(q["sql"].startswith(OWNER_CHECK) for q in ctx.captured_queries)


def test_within_a_request_the_check_is_read_once(world):
    estate = world.estates[0]
    user, unit = make_owner(estate, "1-101")

    def view(request):
        with CaptureQueriesContext(connection) as ctx:
            answers = [is_verified_owner(user, estate=estate) for _ in range(3)]
            answers.append(is_verified_owner(user, unit=unit))  # another place: asked again
        return answers, owner_checks(ctx)

    assert in_request(view) == ([True, True, True, True], 2)


def test_outside_a_request_nothing_is_remembered(world):
    estate = world.estates[0]
    user, _ = make_owner(estate, "1-101")
    with CaptureQueriesContext(connection) as ctx:
        assert is_verified_owner(user, estate=estate) and is_verified_owner(user, estate=estate)
    assert owner_checks(ctx) == 2


def test_a_claim_verified_in_the_request_counts_at_once(world):
    """The request asks (not an owner), verifies the claim, asks again: an owner."""
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person)
    member = committee_member(world)

    def view(request):
        before = is_verified_owner(claim.user, estate=estate)
        services.claim_verify(actor=member, claim=claim)
        return before, is_verified_owner(claim.user, estate=estate)

    assert in_request(view) == (False, True)


def test_a_write_rolled_back_leaves_no_answer_behind(world):
    """Inside the request's own transaction nothing is remembered: the answer read after a
    write that is then rolled back is not the one given afterwards."""
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person)

    def view(request):
        inside = None
        try:
            with transaction.atomic():
                person.user = claim.user
                person.save(update_fields=["user"])
                inside = is_verified_owner(claim.user, estate=estate)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        return inside, is_verified_owner(claim.user, estate=estate)

    assert in_request(view) == (True, False)


def test_each_request_reads_afresh(world):
    estate = world.estates[0]
    unit, person = registered_unit(estate)
    claim = submit_claim(estate, [unit], person)
    assert in_request(lambda r: is_verified_owner(claim.user, estate=estate)) is False
    services.claim_verify(actor=committee_member(world), claim=claim)  # between two requests
    assert in_request(lambda r: is_verified_owner(claim.user, estate=estate)) is True


def test_any_write_drops_the_memo():
    """Not only the registry's services: whatever the connection writes drops every answer."""
    calls = []

    def view(request):
        remembered("k", lambda: calls.append(1))
        remembered("k", lambda: calls.append(1))
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_user SET is_active = is_active WHERE id = -1")
        remembered("k", lambda: calls.append(1))

    in_request(view)
    assert len(calls) == 2
