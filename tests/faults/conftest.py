"""Fault tests: they run on a PostgreSQL server of their own (tests/faults/pgcluster.py).

They are skipped only when PostgreSQL's server binaries are missing and not in CI (CI sets
``CI``): in CI a missing PostgreSQL is a failure, not a skip.
"""

import os

import pytest

from tests.faults.pgcluster import PgCluster, available


def require_postgres():
    if not available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are missing in CI")
        pytest.skip("PostgreSQL server binaries not installed (initdb)")


@pytest.fixture
def pg_cluster():
    require_postgres()
    with PgCluster() as cluster:
        yield cluster
