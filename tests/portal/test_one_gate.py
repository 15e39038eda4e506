"""One gate (issue 20): every view of the portal's own URL patterns opens through
``portal.permissions.gate``, which records what it asks on the view (``view.gate``).

The walk is the permission matrix's (``tests/security/matrix.py``): every pattern outside the
libraries' prefixes, plus every login route. A view passes when its callback, or a function it
wraps (``require_POST`` and the like), carries a gate. Two kinds of views are gated otherwise, and
say so here: DRF API views (DRF's permission classes, which each view must declare itself rather
than inherit DRF's default) and the libraries' own views listed below with their reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.views.decorators.http import require_POST
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from portal.organisations.models import Jurisdiction
from portal.permissions import Gate, gate, gate_of
from tests.security.matrix import portal_patterns

PORTAL_PACKAGES = ("portal.", "cms.", "voting.", "property.")

# Routes served by Wagtail's page tree: Wagtail checks each page's view restrictions itself.
WAGTAIL_PAGE_ROUTES = {
    "cms:page": "Wagtail's page serving behind the anonymous page cache: each page's privacy "
    "(view restrictions, groups) is Wagtail's, set in the admin",
    "wagtail_serve": "the same page serving as cms:page, from wagtail.urls (never reached: "
    "cms:page matches first)",
    "wagtailcore_authenticate_with_password": "Wagtail's password form of a private page",
}

# The libraries' own views that the matrix walks (login routes and Django's language switch).
LIBRARY_VIEWS = {
    "allauth.": "allauth's sign-in, sign-up, code and MFA views (tests/security/test_logins.py)",
    "wagtail.admin.": "Wagtail admin's password reset, behind its own account model",
    "wagtail.documents.": "Wagtail's password form of a private document collection",
    "django.views.i18n": "Django's language switch: public, no object, POST only",
}


def _innermost(callback):
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return view_class
    while getattr(callback, "__wrapped__", None) is not None:
        callback = callback.__wrapped__
    return callback


def _module(callback) -> str:
    inner = _innermost(callback)
    return getattr(inner, "__module__", None) or type(inner).__module__


def _declares_permission_classes(callback) -> bool:
    """The API view itself (or a portal base class of it, or its ``as_view`` arguments) names
    its permission classes; DRF's default from settings does not count."""
    if "permission_classes" in (getattr(callback, "initkwargs", None) or {}):
        return True
    return any(
        "permission_classes" in vars(cls) and cls.__module__.startswith(PORTAL_PACKAGES)
        for cls in callback.view_class.__mro__
    )


def ungated(patterns) -> list[str]:
    """Every pattern gated any other way than the one gate, with why it fails."""
    problems = []
    for key, p in patterns.items():
        callback = p.callback
        if gate_of(callback) is not None or key in WAGTAIL_PAGE_ROUTES:
            continue
        view_class = getattr(callback, "view_class", None)
        if view_class is not None and issubclass(view_class, APIView):
            if not _declares_permission_classes(callback):
                problems.append(f"{key} ({p.route}): API view without its own permission_classes")
            continue
        module = _module(callback)
        if not module.startswith(PORTAL_PACKAGES) and module.startswith(tuple(LIBRARY_VIEWS)):
            continue
        problems.append(f"{key} ({p.route}): {module} view not gated by portal.permissions.gate")
    return problems


def test_every_portal_view_passes_through_the_one_gate():
    patterns = portal_patterns()
    assert len(patterns) > 100  # the walk found the portal's URLs
    assert ungated(patterns) == []


def test_the_check_fails_for_a_view_without_the_gate():
    """The check itself: a portal view that lost its decorator is reported."""
    patterns = portal_patterns()
    detail = patterns["voting:detail"]
    bare = _innermost(detail.callback)
    assert gate_of(bare) is None
    broken = {"voting:detail": type(detail)(detail.key, detail.route, detail.name, bare)}
    assert ungated(broken) == [
        "voting:detail (votes/<int:pk>/): voting.views view not gated by portal.permissions.gate"
    ]


def test_the_check_fails_for_an_api_view_relying_on_drf_defaults():
    """An API view must name its permission classes; DRF's default from settings is no gate."""

    class Inherits(APIView):
        pass

    class Declares(APIView):
        permission_classes = [AllowAny]

    Declares.__module__ = "portal.api.views"  # as if declared in the portal's own code
    make = portal_patterns()["api:estates"].__class__
    patterns = {
        "api:a": make("api:a", "api/a/", "api:a", Inherits.as_view()),
        "api:b": make("api:b", "api/b/", "api:b", Declares.as_view()),
        "api:c": make("api:c", "api/c/", "api:c", Inherits.as_view(permission_classes=[AllowAny])),
    }
    assert ungated(patterns) == ["api:a (api/a/): API view without its own permission_classes"]


# Views that pass the gate with no permission (``@gate()``, or an object and no permission):
# each says here why the gate cannot ask more. Any other view names its permission in the gate,
# so a new view cannot skip the check silently.
NO_PERMISSION_VIEWS = {
    # the person's own things: any signed-in user, the data selected by the user
    "notifications:list": "the user's own notifications",
    "notifications:open": "one of the user's own notifications (looked up among them: 404)",
    "notifications:read_all": "marks the user's own notifications read",
    "notifications:settings": "the user's own notification preferences",
    "registry:my_property": "the user's own units and claims",
    "registry:contact_allow": "the user's own contact setting",
    "registry:claim_list": "the user's own claims",
    "fund:my": "the user's own fund accounts",
    "dashboards:landing": "sends the user on to their own dashboard",
    "dashboards:me": "the resident's own dashboard (their units, votes, ledger)",
    "workbench:home": "the user's own workbench, sections by the roles they hold",
    "revenue:home": "the estates the user owns in, keeps or governs (selected by the user)",
    "registry:estate_list": "the estates in the user's scope (none: 403)",
    "fund:requests": "the requests of the estates the user acts for (no staff role: 403)",
    "dashboards:company": "the companies the user acts for (none: 403)",
    # narrowed by something of the user that no ``rules`` permission expresses
    "registry:dispute_claim": "a claim among those verified on the user's own units (else 403)",
    "registry:dispute_link": "the token of the message sent to the registered owner is the right",
    "credit:survey": "the user's own parties (none: 403)",
    "credit:rate": "the user's own parties (none: 403)",
    "voting:cast": "the parties the user may cast for (own or by proxy; none: 403)",
    "voting:trustee_key": "the user must be one of the vote's trustees (else 403)",
    "voting:trustee_open": "the user must be one of the vote's trustees (else 403)",
}


def without_permission(patterns) -> list[str]:
    """Signed-in-only views gated without a permission and not on NO_PERMISSION_VIEWS."""
    problems = []
    for key, p in patterns.items():
        spec = gate_of(p.callback)
        if spec is None or spec.perm is not None or spec.public:
            continue
        if key not in NO_PERMISSION_VIEWS:
            problems.append(f"{key} ({p.route}): gated without a permission")
    return problems


def test_every_view_gated_without_permission_is_listed_with_its_reason():
    patterns = portal_patterns()
    assert without_permission(patterns) == []
    listed = {
        key
        for key, p in patterns.items()
        if (spec := gate_of(p.callback)) is not None and spec.perm is None and not spec.public
    }
    assert set(NO_PERMISSION_VIEWS) == listed  # no stale entry either


def test_the_check_fails_for_a_view_that_lost_its_permission():
    """A converted view whose gate lost its permission is reported."""
    patterns = portal_patterns()
    p = patterns["registry:estate_detail"]
    assert gate_of(p.callback).perm == "registry.view_estate"
    bare = gate(model=Jurisdiction, lookup="code", kwarg="code")(_innermost(p.callback))
    broken = {p.key: type(p)(p.key, p.route, p.name, bare)}
    assert without_permission(broken) == [
        "registry:estate_detail (my/estates/<slug:code>/): gated without a permission"
    ]


def test_listed_exceptions_are_still_routes():
    """The Wagtail routes listed above exist, so the list cannot hide a stale name."""
    patterns = portal_patterns()
    assert set(WAGTAIL_PAGE_ROUTES) <= set(patterns)


_OLD_GATES = re.compile(
    r"\b(login_required|permission_required|user_passes_test|LoginRequiredMixin|"
    r"PermissionRequiredMixin|object_permission_required|perm_required)\b"
)


def test_no_other_view_decorator_in_the_portal_code():
    root = Path(__file__).resolve().parents[2]
    found = []
    for package in ("portal", "cms", "voting", "property", "themes"):
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _OLD_GATES.search(line):
                    found.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert found == []


# ---- the gate itself ------------------------------------------------------------------------


def _request(user, method="get"):
    request = getattr(RequestFactory(), method)("/somewhere/?x=1")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


class _User:
    is_authenticated = True

    def __init__(self, allowed: bool):
        self.allowed = allowed
        self.asked = []

    def has_perm(self, perm, obj=None):
        self.asked.append((perm, obj))
        return self.allowed


def _echo(request, *args, **kwargs):
    return HttpResponse(repr((args, kwargs)))


def test_anonymous_visitor_is_sent_to_sign_in_before_anything_is_loaded():
    view = gate("x.y", model=Jurisdiction, lookup="code", kwarg="code")(_echo)
    response = view(_request(AnonymousUser()), code="no-such-node")
    assert response.status_code == 302
    assert response["Location"].endswith("?next=/somewhere/%3Fx%3D1")


def test_public_view_lets_anonymous_visitors_in_and_records_its_spec():
    view = require_POST(gate(public=True)(_echo))
    assert view(_request(AnonymousUser(), "post")).status_code == 200
    assert gate_of(view) == Gate(public=True)


def test_permission_without_object_gives_403_to_a_signed_in_user():
    user = _User(allowed=False)
    with pytest.raises(PermissionDenied):
        gate("credit.publish")(_echo)(_request(user))
    assert user.asked == [("credit.publish", None)]


@pytest.mark.django_db
def test_object_is_loaded_once_checked_and_handed_to_the_view():
    node = Jurisdiction.add_root(name="测试市", code="gate-test", level="city")
    user = _User(allowed=True)
    view = gate("dashboards.view_node", model=Jurisdiction, lookup="code", kwarg="code")(_echo)
    response = view(_request(user), code="gate-test", extra=1)
    assert response.content.decode() == repr(((node,), {"extra": 1}))
    assert user.asked == [("dashboards.view_node", node)]
    with pytest.raises(Http404):
        view(_request(user), code="missing")


@pytest.mark.django_db
def test_a_state_outside_the_allowed_ones_gives_the_message_and_the_redirect():
    node = Jurisdiction.add_root(name="测试市", code="gate-state", level="city")
    node.status = "closed"  # any object with a status
    view = gate(
        model=Jurisdiction,
        queryset=lambda: _One(node),
        statuses=("open",),
        state_message="Not now.",
        state_redirect="dashboards:node",
        kwarg="code",
        lookup="code",
    )(_echo)
    request = _request(_User(allowed=True))
    response = view(request, code="gate-state")
    assert response.status_code == 302
    assert [str(m) for m in request._messages] == ["Not now."]


class _One:
    """A stand-in queryset that hands back one prepared object."""

    def __init__(self, obj):
        self.obj = obj

    def get(self, **kwargs):
        return self.obj
