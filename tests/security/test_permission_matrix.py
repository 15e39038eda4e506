"""Every URL of the portal, visited as every role, gets exactly the outcome the matrix says.

Rule (house rules, "every view checks role AND jurisdiction"): a new URL without a matrix
entry fails here; anonymous visitors are sent to sign in, the wrong role or estate gets 403/404.
Entries live next to each area's tests in ``tests/<area>/matrix.py`` (docs/security.md).
"""

import pytest

from tests.security.matrix import EXCLUDED_PREFIXES, ROLES, collect, portal_patterns
from tests.security.visit import client_for, judge, request, url_for, visit
from tests.security.writes import no_writes

ENTRIES = collect()
PATTERNS = portal_patterns()
CASES = [
    pytest.param(key, role, id=f"{key}-{role}")
    for key, (_module, entry) in sorted(ENTRIES.items())
    if not entry.skip and key in PATTERNS
    for role in ROLES
]


def test_every_url_pattern_has_an_entry():
    """A URL pattern without a matrix entry (or an entry without a pattern) fails the build."""
    missing = sorted(set(PATTERNS) - set(ENTRIES))
    stale = sorted(set(ENTRIES) - set(PATTERNS))
    assert not missing, (
        "URL patterns with no permission-matrix entry (add them to tests/<area>/matrix.py): "
        + ", ".join(f"{k} ({PATTERNS[k].route})" for k in missing)
    )
    assert not stale, "matrix entries naming no URL pattern: " + ", ".join(stale)


def test_exclusions_are_justified_and_few():
    """Only library prefixes are left out, each with its reason (docs/security.md)."""
    assert all(len(reason) > 10 for reason in EXCLUDED_PREFIXES.values())
    assert set(EXCLUDED_PREFIXES) <= {
        "admin/",
        "django-admin/",
        "accounts/",
        "static/",
        "media/",
        "documents/",
        "__debug__/",
    }


def test_skips_name_where_they_are_tested():
    """A URL the matrix cannot visit must say why and where it is tested instead."""
    for key, (module, entry) in ENTRIES.items():
        if entry.skip:
            assert len(entry.skip) > 15, f"{module}: {key} skip reason too short"


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role"), CASES)
def test_matrix(demo, key, role):
    """The role gets the matrix's outcome for this URL (allow, or login redirect / 403 / 404).

    A GET (Django answers HEAD with the same view) writes nothing to any database, whoever asks
    and whatever the answer (issue 20): each GET runs inside ``no_writes`` (tests/security/
    writes.py), which fails on any INSERT, UPDATE or DELETE. The session row Django's session
    middleware saves is the framework's and is left out by table name (``django_session``);
    nothing else is. Reading personal data leaves no audit record either: the audit log records
    what was done, not what was looked at (docs/security.md, "No GET writes").
    """
    _module, entry = ENTRIES[key]
    if entry.method == "post":
        url, response = visit(demo, key, entry, role)
    else:
        # Signing in (last_login) and the rows an entry builds for its URL are the test's
        # writes, made before the request: only the GET itself is watched.
        client = client_for(demo, role)
        url = url_for(demo, key, entry)
        with no_writes() as writes:
            response = request(demo, entry, client, url)
        assert not writes, f"GET {url} as {role} wrote to the database:\n{writes.report()}"
    assert response.status_code < 500, f"{url} as {role}: server error"
    problem = judge(PATTERNS[key], entry, role, url, response)
    assert problem is None, f"{problem} [{entry.note}]" if entry.note else problem
