"""Every URL of the portal, visited as every role, gets exactly the outcome the matrix says.

Rule (house rules, "every view checks role AND jurisdiction"): a new URL without a matrix
entry fails here; anonymous visitors are sent to sign in, the wrong role or estate gets 403/404.
Entries live next to each area's tests in ``tests/<area>/matrix.py`` (docs/security.md).
"""

import pytest

from tests.security.matrix import EXCLUDED_PREFIXES, ROLES, collect, portal_patterns
from tests.security.visit import judge, visit

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
    """The role gets the matrix's outcome for this URL (allow, or login redirect / 403 / 404)."""
    _module, entry = ENTRIES[key]
    url, response = visit(demo, key, entry, role)
    assert response.status_code < 500, f"{url} as {role}: server error"
    problem = judge(PATTERNS[key], entry, role, url, response)
    assert problem is None, f"{problem} [{entry.note}]" if entry.note else problem
