"""Data loaded once for many tests, in a transaction rolled back at the end (package- or
module-scoped fixtures such as the demo city of ``tests/security/conftest.py``).

After every test, pytest-django asks the database to check the deferred foreign keys
(``SET CONSTRAINTS ALL IMMEDIATE`` on PostgreSQL) before rolling the test's savepoint back.
PostgreSQL fires every check still pending in the transaction, including those of the shared
data, and rolling the savepoint back marks them pending again: each test re-checked every
foreign key of the whole demo city (seconds per test, most of the PostgreSQL pass's time).
Checking the shared data once, right after loading it and before any test's savepoint, settles
those checks in the outer transaction for good; each test still checks its own writes.
"""

from __future__ import annotations

from django.db import connection


def settle_constraint_checks() -> None:
    """Check the deferred constraints of what this transaction wrote so far, now, once."""
    connection.check_constraints()


def migration_data_back() -> None:
    """Put back what the migrations seeded (the credit catalogue and checklist, Wagtail's root
    page, the holidays) if a transactional test flushed it earlier on this worker: the demo city
    is built on it. Transactional tests ask for ``serialized_rollback``, so the test database was
    serialized after migrating; with nothing flushed this does nothing."""
    from property.credit.models import ChecklistItem

    if ChecklistItem.objects.exists():
        return
    data = getattr(connection, "_test_serialized_contents", None)
    if data:
        connection.creation.deserialize_db_from_string(data)
