"""The check behind "no GET writes" (tests/security/writes.py) sees writes, and only writes.

Rule (issue 20, docs/security.md "No GET writes"): any INSERT, UPDATE or DELETE during a GET
fails the permission matrix, except the session row Django's session middleware saves.
"""

import pytest
from django.contrib.sessions.backends.db import SessionStore

from portal.accounts.models import User
from tests.security.writes import no_writes, written_table


def test_written_table_names_the_target_of_each_kind_of_write():
    assert written_table('INSERT INTO "audit_auditevent" ("at") VALUES (%s)') == "audit_auditevent"
    assert written_table('UPDATE "voting_vote" SET "status" = %s') == "voting_vote"
    assert written_table('DELETE FROM "voting_ballot" WHERE id = 1') == "voting_ballot"
    assert written_table("  update voting_vote set status = 1") == "voting_vote"
    assert written_table('SELECT "id" FROM "voting_vote" FOR UPDATE') is None
    assert written_table('SAVEPOINT "s1"') is None


@pytest.mark.django_db
def test_an_orm_write_is_recorded_with_its_sql():
    """An update made inside the check is caught (it still runs) and reported with its SQL."""
    user = User.objects.create(username="w", email="w@example.cn")
    with no_writes() as writes:
        User.objects.filter(pk=user.pk).update(first_name="变")
        list(User.objects.all())
    assert [(alias, table) for alias, table, _sql in writes.seen] == [
        ("default", User._meta.db_table)
    ]
    assert "UPDATE" in writes.report()
    assert User.objects.get(pk=user.pk).first_name == "变"


@pytest.mark.django_db
def test_reads_and_the_session_row_are_not_writes():
    """Reading writes nothing; Django's own session save is left out by table name."""
    with no_writes() as writes:
        list(User.objects.all())
        session = SessionStore()
        session["k"] = 1
        session.save()
    assert not writes
