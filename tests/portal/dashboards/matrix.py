"""Permission-matrix entries of the dashboards (/dashboard/)."""

from tests.security.matrix import ANON, CITY, COMMITTEE, COMPANY, DISTRICT, SIGNED_IN, STREET, Entry

NODE_VIEWERS = {COMMITTEE, STREET, DISTRICT, CITY}


def _estate(d):
    return {"code": d.estate.code}


MATRIX = {
    # Everyone signed in lands on their own dashboard (a redirect inside /dashboard/).
    "dashboards:landing": Entry(allow=SIGNED_IN),
    "dashboards:me": Entry(allow=SIGNED_IN, note="each person's own units, votes, ledgers"),
    "dashboards:company": Entry(allow={COMPANY}),
    # An estate's dashboard: its committee and the government staff above it.
    "dashboards:node": Entry(kwargs=_estate, allow=NODE_VIEWERS),
    "dashboards:export_csv": Entry(kwargs=_estate, allow=NODE_VIEWERS),
    "dashboards:export_xlsx": Entry(kwargs=_estate, allow=NODE_VIEWERS),
}
assert ANON not in NODE_VIEWERS
