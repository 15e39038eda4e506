"""Facts read once per request: a memo that lives for one request and is dropped at every write.

Some facts about the signed-in person are asked by several permissions of one page: the vote
page asks "a verified owner in this estate?" for seeing the vote and again for casting in it.
``remembered(key, compute)`` answers the second asking from the first, and only where that is
safe:

* only inside a request (``RequestMemoMiddleware``): a test calling a predicate, a management
  command or the worker computes every time, so nothing outlives a request;
* the memo is dropped at every statement of the request's database connection that is not a
  plain read (INSERT, UPDATE, DELETE, savepoints ...), whoever runs it: a request that verifies
  a claim, ends an ownership or changes a membership reads the fact afresh afterwards, without
  each such service having to know who remembers what;
* nothing is remembered or answered from the memo inside a transaction the request opened
  itself: a fact read after a write in a transaction that is then rolled back would otherwise
  outlive the rollback.

Writes go to the default database only (``portal.core.replica``), the connection watched here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.db import connection

T = TypeVar("T")

_READS = ("SELECT", "WITH")  # WITH: a plain read unless it writes (then it is not remembered)


class _Memo:
    __slots__ = ("depth", "values")

    def __init__(self, depth: int):
        self.depth = depth  # transactions open when the request began (a test's own)
        self.values: dict[Hashable, object] = {}

    def watch(self, execute, sql, params, many, context):
        head = sql.lstrip()[:6].upper() if isinstance(sql, str) else ""  # composed: a write
        if not head.startswith(_READS) or (head == "WITH" and _writes(sql)):
            self.values.clear()
        return execute(sql, params, many, context)

    def usable(self) -> bool:
        return len(connection.atomic_blocks) == self.depth


def _writes(sql: str) -> bool:
    upper = sql.upper()
    return any(word in upper for word in ("INSERT ", "UPDATE ", "DELETE "))


_current: ContextVar[_Memo | None] = ContextVar("gongzhi_request_memo", default=None)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` for the rest of this request while nothing is
    written (see the module docstring); outside a request, simply ``compute()``."""
    memo = _current.get()
    if memo is None or not memo.usable():
        return compute()
    try:
        return memo.values[key]  # type: ignore[return-value]
    except KeyError:
        value = memo.values[key] = compute()
        return value


class RequestMemoMiddleware:
    """Opens the memo of one request and watches its connection for writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        memo = _Memo(depth=len(connection.atomic_blocks))
        token = _current.set(memo)
        try:
            with connection.execute_wrapper(memo.watch):
                return self.get_response(request)
        finally:
            _current.reset(token)
