"""Reads on a PostgreSQL streaming replica, for the pages that only read published figures.

With ``DATABASE_REPLICA_URL`` set, the settings add a ``replica`` database, this router and the
middleware below. A request reads from the replica only when all of these hold:

* it is a GET or HEAD;
* its view is one of ``settings.REPLICA_READ_VIEWS`` (dashboards, the open-data API, CMS pages,
  the public credit pages: figures that are published, where a few seconds of replication lag
  change nothing);
* the client has not written in the last ``REPLICA_PIN_SECONDS``: every request that is not
  GET/HEAD/OPTIONS sets a short cookie that keeps the client's reads on the primary, so a
  person always sees their own change at once, whatever page they open next.

Everything else (casting, the ledger, workflows, sign-in, sessions) reads and writes the primary.
Accounts, sessions, MFA and the task queue are never read from the replica, on any page.
"""

from __future__ import annotations

import contextvars
import time
from fnmatch import fnmatchcase

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "gz_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Models of these apps are read from the primary on every page.
PRIMARY_ONLY_APPS = {"sessions", "accounts", "account", "mfa", "auth", "django_q", "socialaccount"}

_reads_on_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "gongzhi_reads_on_replica", default=False
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads go to the replica only inside a request the middleware marked; writes never do."""

    def db_for_read(self, model, **hints):
        if _reads_on_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def view_reads_on_replica(view_name: str) -> bool:
    return any(fnmatchcase(view_name, p) for p in settings.REPLICA_READ_VIEWS)


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may go to the replica (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads_on_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reads_on_replica.reset(token)
        if request.method not in SAFE_METHODS:
            seconds = int(settings.REPLICA_PIN_SECONDS)
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method in ("GET", "HEAD")
            and replica_configured()
            and not _pinned(request)
            and request.resolver_match is not None
            and view_reads_on_replica(request.resolver_match.view_name)
        ):
            _reads_on_replica.set(True)
        return None


def _pinned(request) -> bool:
    try:
        return int(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False
