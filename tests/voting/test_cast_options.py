"""``selectors.cast_options``: the voter's own frozen parties and the approved authorizations
naming them, read in one statement, give what ``castable_electors`` and
``approved_proxies_for`` give one query each (a cast and the vote page ask both)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import add_units, make_user
from tests.voting.factories import link_user, open_vote, party
from tests.voting.test_paper_and_proxy import _pdf, setup  # noqa: F401 - the fixture
from voting import selectors, services

pytestmark = pytest.mark.django_db


def same(user, vote):
    """cast_options agrees with the two reads it replaces, field by field."""
    electors, proxies = selectors.cast_options(user, vote)
    want_e = selectors.castable_electors(user, vote)
    want_p = selectors.approved_proxies_for(vote, user)
    assert [(e.pk, e.party_id, e.pseudonym, e.area_centi, e.successor) for e in electors] == [
        (e.pk, e.party_id, e.pseudonym, e.area_centi, e.successor) for e in want_e
    ]
    assert [(e.party.pk, e.party.label, e.party.key) for e in electors] == [
        (e.party.pk, e.party.label, e.party.key) for e in want_e
    ]
    assert [(a.pk, a.party_id, a.requested_by_id, a.party.label) for a in proxies] == [
        (a.pk, a.party_id, a.requested_by_id, a.party.label) for a in want_p
    ]
    return electors, proxies


def test_own_parties_and_proxies_by_account_and_by_number(setup):  # noqa: F811
    estate, committee = setup["estate"], setup["committee"]
    add_units(estate, [("1-104", "90.00", "E")])
    vote = open_vote(estate)
    d, e = party(estate, "D"), party(estate, "E")
    owner_d, owner_e = link_user(d), link_user(e)
    # The owner of A is named by account for D; a number no account has yet is named for E.
    for owner, p, named in ((owner_d, d, {"proxy_user": setup["owner"]}),
                            (owner_e, e, {"proxy_phone": "13900007777"})):  # fmt: skip
        auth = services.proxy_request(actor=owner, vote=vote, party=p, document=_pdf(), **named)
        services.proxy_decide(actor=committee, authorization=auth, approve=True)
    by_number = make_user(phone="+8613900007777")  # signs up with that number, verified
    by_number.phone_verified = True
    by_number.save(update_fields=["phone_verified"])

    electors, proxies = same(setup["owner"], vote)
    assert [x.party_id for x in electors] == [party(estate, "A").pk]
    assert [a.party_id for a in proxies] == [d.pk]
    electors, proxies = same(by_number, vote)
    assert electors == [] and [a.party_id for a in proxies] == [e.pk]
    assert same(owner_d, vote)[1] == []
    by_number.phone_verified = False  # an unverified number names nobody
    by_number.save(update_fields=["phone_verified"])
    assert same(by_number, vote) == ([], [])


def test_one_query_when_no_authorization_names_the_voter(setup):  # noqa: F811
    vote = open_vote(setup["estate"])
    with CaptureQueriesContext(connection) as ctx:
        electors, proxies = selectors.cast_options(setup["owner"], vote)
    assert len(electors) == 1 and proxies == [] and len(ctx.captured_queries) == 1
