"""The open vote's page as a verified owner who has not voted: under 20 queries (issue 21's
target for every page). Seeing the vote and casting in it both ask whether the person is a
verified owner in the estate; the request reads it once (``portal.core.memo``). The parties
they may cast for and the proxies naming them are one query (``selectors.cast_options``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_owner
from tests.voting.factories import open_vote

pytestmark = pytest.mark.django_db

# The verified-owner check (``property.registry.selectors.is_verified_owner``) by estate.
OWNER_CHECK = 'SELECT 1 AS "a" FROM "registry_ownership"'


def test_open_vote_page_reads_the_owner_check_once_and_stays_under_the_bound(world, client):
    estate = world.estates[0]
    user, _ = make_owner(estate, "1-101")
    vote = open_vote(estate)
    client.force_login(user)
    client.get(f"/votes/{vote.pk}/")  # the first request of a session reads more (warm-up)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/votes/{vote.pk}/")
    assert response.status_code == 200
    assert f'href="/votes/{vote.pk}/cast/"' in response.content.decode()
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum(s.startswith(OWNER_CHECK) for s in sqls) == 1, sqls
    # 18 here and on the demo's open vote (owner1.binjiang, /votes/2/): 20 before the check was
    # read once per request and the voter's parties and proxies were read in one query.
    assert len(sqls) <= 18, "\n".join(sqls)
