"""The fault tests' own PostgreSQL: committed rows survive a crash-restart (no checkpoint)."""

import pytest

pytestmark = pytest.mark.postgres


def test_committed_rows_survive_an_immediate_restart(pg_cluster):
    """Durability the fault tests build on: a commit acknowledged before a crash is kept."""
    import psycopg

    url = pg_cluster.createdb("durability")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (n int)")
        for n in range(100):
            conn.execute("INSERT INTO t VALUES (%s)", (n,))
    pg_cluster.restart(mode="immediate")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*), sum(n) FROM t").fetchone() == (100, 4950)
