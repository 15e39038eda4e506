"""Watching the database while a GET request runs: no statement may write (issue 20).

``no_writes()`` wraps every database connection Django has (``execute_wrapper`` on each alias,
so a replica or a second database is watched too) and records each INSERT, UPDATE, DELETE or
REPLACE it sees, with its SQL. The statement still runs — a view that catches a database error
must not hide the write from the check — and the caller fails with what was recorded.

The one table left out is ``django_session``: Django's session middleware saves the session row
after any request that touched ``request.session`` (a language choice, allauth's bookkeeping,
a message kept for the next page in session storage). That write is the framework's, keeps no
record of ours, and would be the same on any Django site; it is excluded by name, and only it.
Messages consumed from cookie storage write nothing.
"""

from __future__ import annotations

import re
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from django.db import connections

# The framework's own write: the session row saved by SessionMiddleware (see the docstring).
ALLOWED_TABLES = frozenset({"django_session"})

_WRITE = re.compile(r"^\s*(?:WITH\b.*?\)\s*)?(INSERT|UPDATE|DELETE|REPLACE)\b", re.I | re.S)
_TABLE = re.compile(
    r"^\s*(?:WITH\b.*?\)\s*)?(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)"
    r"\s+[\"`\[]?(\w+)",
    re.I | re.S,
)


def written_table(sql: str) -> str | None:
    """The table a writing statement writes to, or None when the statement does not write.

    >>> written_table('UPDATE "voting_vote" SET "state" = %s')
    'voting_vote'
    >>> written_table('SELECT 1') is None
    True
    """
    if not _WRITE.match(sql):
        return None
    match = _TABLE.match(sql)
    return match.group(1) if match else "?"


@dataclass
class Writes:
    """The writing statements seen, as (database alias, table, SQL)."""

    seen: list[tuple[str, str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.seen)

    def report(self) -> str:
        return "\n".join(f"  [{alias}] {table}: {sql[:400]}" for alias, table, sql in self.seen)


@contextmanager
def no_writes():
    """Record every write (outside ``ALLOWED_TABLES``) on every database alias while inside."""
    writes = Writes()

    def watcher(alias):
        def wrapper(execute, sql, params, many, context):
            table = written_table(sql)
            if table is not None and table not in ALLOWED_TABLES:
                writes.seen.append((alias, table, sql))
            return execute(sql, params, many, context)

        return wrapper

    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(watcher(alias)))
        yield writes
