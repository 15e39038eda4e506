"""The permission matrix: who may open which URL of the portal (see docs/security.md).

Each area keeps its entries next to its tests, in ``tests/<area>/matrix.py`` (or
``tests/<area>/<sub>/matrix.py``), as a dict ``MATRIX`` from URL name (``"namespace:name"``, or
``"route:<full route>"`` for an unnamed pattern) to an :class:`Entry`::

    from tests.security.matrix import CITY, DISTRICT, GOV, OWNER, Entry

    MATRIX = {
        "voting:detail": Entry(
            kwargs=lambda d: {"pk": d.vote_in_estate().pk},
            allow={OWNER, COMMITTEE, *GOV},
        ),
    }

``tests/security/test_permission_matrix.py`` walks every URL pattern of the portal and fails
when a pattern has no entry (or an entry names no pattern), then visits each URL as each role
and checks the outcome: a role in ``allow`` must get 2xx or a redirect inside the same area; a
role not in it must be refused — anonymous with a redirect to the login page, everyone else
with 403 or 404.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ---- roles: demo accounts from load_demo_data (estate 滨江花园 unless said otherwise) --------
ANON = "anonymous"
OWNER = "owner"  # owner1.binjiang: verified owner of one unit in 滨江花园
OTHER_OWNER = "other_owner"  # owner1.zhongnan-ya: verified owner in another district's estate
COMMITTEE = "committee"  # committee.binjiang: owners' committee of 滨江花园
COMPANY = "company"  # staff of the property company managing 滨江花园
STREET = "street"  # fanluoshan.officer: street office above 滨江花园
DISTRICT = "district"  # jinghu.officer: 镜湖区 housing bureau
CITY = "city"  # city.officer: city housing bureau

ROLES = (ANON, OWNER, OTHER_OWNER, COMMITTEE, COMPANY, STREET, DISTRICT, CITY)
SIGNED_IN = frozenset(ROLES) - {ANON}
PUBLIC = frozenset(ROLES)
GOV = frozenset({STREET, DISTRICT, CITY})
STAFF = frozenset({COMMITTEE, COMPANY}) | GOV
OWNERS = frozenset({OWNER, OTHER_OWNER})

DEMO_EMAILS = {
    OWNER: "owner1.binjiang@demo.gongzhi.cn",
    OTHER_OWNER: "owner1.zhongnan-ya@demo.gongzhi.cn",
    COMMITTEE: "committee.binjiang@demo.gongzhi.cn",
    COMPANY: None,  # resolved: a staff member of binjiang's managing company
    STREET: "fanluoshan.officer@demo.gongzhi.cn",
    DISTRICT: "jinghu.officer@demo.gongzhi.cn",
    CITY: "city.officer@demo.gongzhi.cn",
}

# URL prefixes left out of the matrix: libraries with their own permission model.
EXCLUDED_PREFIXES = {
    "admin/": "Wagtail admin: its own page/collection permissions behind MFA (tests/portal/test_mfa.py)",
    "django-admin/": "Django admin: superusers only, is_staff checked by Django itself",
    "accounts/": "allauth: sign-in, sign-up, MFA pages (tests/portal/test_mfa.py, e2e journeys)",
    "static/": "static files",
    "media/": "public media (DEBUG only); private files go through serve_private_file",
    "documents/": "Wagtail documents: served by Wagtail's own view with collection privacy",
    "__debug__/": "debug toolbar (development only)",
}


@dataclass(frozen=True)
class Entry:
    """Who may open one URL.

    allow        roles that must get 2xx (or a redirect within the area); all others are refused
    kwargs       ``lambda d: {...}`` URL kwargs from the demo context (``d``, see Demo)
    path         the path to visit, instead of reversing the name (string or ``lambda d: str``)
    method       "get" (default) or "post"
    data         POST data (dict or ``lambda d: dict``); posts run in a rolled-back transaction
    redirect_to  path prefix an allowed redirect may go to (default: the URL's own area)
    skip         a reason this URL cannot be visited by the matrix (then it must be tested
                 elsewhere; the reason names where)
    note         free text shown in failures
    """

    allow: frozenset | set = frozenset()
    kwargs: Callable[[Any], dict] | None = None
    path: str | Callable[[Any], str] | None = None
    method: str = "get"
    data: dict | Callable[[Any], dict] | None = None
    redirect_to: str | None = None
    skip: str = ""
    note: str = ""
    statuses: dict = field(default_factory=dict)  # role -> exact status expected (rare)

    def allows(self, role: str) -> bool:
        return role in self.allow


def public(**kw) -> Entry:
    return Entry(allow=PUBLIC, **kw)


def signed_in(**kw) -> Entry:
    return Entry(allow=SIGNED_IN, **kw)


TESTS_DIR = Path(__file__).resolve().parents[1]


def matrix_modules() -> list[str]:
    """Dotted names of every ``tests/**/matrix.py`` (this framework module excluded)."""
    names = []
    for path in sorted(TESTS_DIR.glob("**/matrix.py")):
        rel = path.relative_to(TESTS_DIR.parent).with_suffix("")
        dotted = ".".join(rel.parts)
        if dotted != __name__:
            names.append(dotted)
    return names


def collect() -> dict[str, tuple[str, Entry]]:
    """Every area's entries: URL key -> (defining module, Entry). Duplicate keys are an error."""
    found: dict[str, tuple[str, Entry]] = {}
    for name in matrix_modules():
        module = importlib.import_module(name)
        for key, entry in getattr(module, "MATRIX", {}).items():
            if key in found:
                raise AssertionError(f"{key} has entries in {found[key][0]} and {name}")
            if not isinstance(entry, Entry):
                raise AssertionError(f"{name}: MATRIX[{key!r}] is not an Entry")
            found[key] = (name, entry)
    return found


# ---- the URL conf -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name" or "route:<route>"
    route: str  # full route, e.g. "votes/<int:pk>/"
    name: str | None
    callback: Any = field(default=None, compare=False, repr=False)  # the view the route calls


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield Pattern(key=name or f"route:{route}", route=route, name=name, callback=p.callback)


def _normalise(route: str) -> str:
    return route.lstrip("^")


def excluded(route: str) -> bool:
    route = _normalise(route)
    return any(route.startswith(prefix) for prefix in EXCLUDED_PREFIXES)


# Routes that take a password or a code and can start or raise a session: every one of them is
# in the matrix even under an excluded prefix, and tests/security/test_logins.py attacks each.
_LOGIN_ROUTE = re.compile(
    r"login|authenticate|signup|sign-?in(?!g)|reset.*(key|confirm)(?![/_]done)|confirm-email/\S|verify",
    re.I,
)


def is_login_pattern(p: Pattern) -> bool:
    text = f"{p.route} {p.name or ''}"
    return bool(_LOGIN_ROUTE.search(text)) and "logout" not in text


def login_patterns() -> list[Pattern]:
    """Every login route of the portal and its libraries, found by walking the URL resolver."""
    from django.urls import get_resolver

    found: dict[str, Pattern] = {}
    for p in _walk(get_resolver().url_patterns):
        if is_login_pattern(p):
            found.setdefault(p.route, p)
    return list(found.values())


def portal_patterns() -> dict[str, Pattern]:
    """Every URL pattern of the portal outside the excluded library prefixes, by key."""
    from django.urls import get_resolver

    out: dict[str, Pattern] = {}
    for p in _walk(get_resolver().url_patterns):
        if not excluded(p.route) or is_login_pattern(p):
            out.setdefault(p.key, p)
    return out
