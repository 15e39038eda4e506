"""Permission-matrix entries of the open-data API (/api/): public reads and staff endpoints.

API clients are not sent to a login page: an anonymous call to a staff endpoint gets 401.
"""

from tests.security.matrix import ANON, CITY, DISTRICT, STREET, Entry, public

V1 = {"version": "v1"}
GOVERNMENT = {STREET, DISTRICT, CITY}


def _rating(d):
    return {**V1, "credit_code": d.estate.company.credit_code}


def _node(d):
    return {**V1, "code": d.estate.code}


MATRIX = {
    "api:schema": public(),
    "api:docs": public(),
    "api:estates": public(kwargs=lambda d: V1),
    "api:notices": public(kwargs=lambda d: V1),
    "api:ratings": public(kwargs=lambda d: V1),
    "api:rating-history": public(kwargs=lambda d: V1),
    "api:company-ratings": public(kwargs=_rating),
    "api:vote-results": public(kwargs=lambda d: V1),
    "api:fund-estates": public(kwargs=lambda d: V1),
    "api:revenue-statements": public(kwargs=lambda d: V1),
    "api:indicators": public(kwargs=lambda d: V1),
    "api:staff-estates": Entry(kwargs=lambda d: V1, allow=GOVERNMENT, statuses={ANON: 401}),
    "api:staff-node": Entry(kwargs=_node, allow=GOVERNMENT, statuses={ANON: 401}),
    # Complaint tickets (issue 19): the housing bureau posts them; the empty post is a 400.
    "api:staff-complaints": Entry(
        kwargs=lambda d: V1, method="post", allow={DISTRICT, CITY}, statuses={ANON: 401}
    ),
}
