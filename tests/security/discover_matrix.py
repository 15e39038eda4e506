"""Not a check (not collected by the suite): ``pytest tests/security/discover_matrix.py -s`` prints what
each role actually gets for every matrix entry (optionally only keys containing
``MATRIX_DISCOVER_ONLY``), to help write new entries. Observed behaviour is not the rule: read
the printout against DOMAIN.md before copying it into a matrix."""

import os

import pytest

from tests.security.matrix import ANON, ROLES, Entry, collect, portal_patterns
from tests.security.visit import judge, visit


@pytest.mark.django_db
def test_discover(demo):
    import logging

    logging.disable(logging.WARNING)
    only = os.environ.get("MATRIX_DISCOVER_ONLY", "")
    patterns = portal_patterns()
    for key, (_module, entry) in sorted(collect().items()):
        if entry.skip or key not in patterns or only not in key:
            continue
        allowed = []
        cells = []
        for role in ROLES:
            probe = Entry(
                allow={role},
                kwargs=entry.kwargs,
                path=entry.path,
                method=entry.method,
                data=entry.data,
                redirect_to=entry.redirect_to,
            )
            try:
                url, response = visit(demo, key, probe, role)
            except Exception as exc:  # noqa: BLE001
                cells.append(f"{role}=ERR({type(exc).__name__})")
                continue
            ok = judge(None, probe, role, url, response) is None
            if ok:
                allowed.append(role)
            cells.append(f"{role}={response.status_code}{'+' if ok else ''}")
        print(
            f"{key}: allow={sorted(r for r in allowed if r != ANON) + ([ANON] if ANON in allowed else [])}"
        )  # noqa: T201
        print("    " + " ".join(cells))  # noqa: T201
