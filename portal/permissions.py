"""The permission module: "may this user do X on this object?", from role and place in the tree.

Every view and API endpoint of the portal asks here (directly, or through ``rules`` predicates
registered in each app's ``rules.py`` and checked with ``user.has_perm(perm, obj)``).

Vocabulary
    grant      an active membership: (organisation kind, role, organisation, node path)
    governs    a government grant whose node is the object's node or an ancestor of it:
               a district officer governs their district's subtree only
    node of    an object's jurisdiction node: a ``Jurisdiction`` itself, else the object's
               ``governing_node`` attribute (estates, votes, requests, notices define it)

Owners and property companies are answered by the registry's predicates
(``property.registry.rules``), built on the same grants; this module does not import upward.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect

from portal.organisations.models import GOVERNMENT_KINDS, Jurisdiction, Membership, OrgKind, Role

_CACHE_ATTR = "_gongzhi_grants"


@dataclass(frozen=True, slots=True)
class Grant:
    kind: str
    role: str
    organisation_id: int
    path: str


def grants(user) -> tuple[Grant, ...]:
    """The user's active memberships, loaded once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = Membership.objects.filter(user=user, active=True).values_list(
            "organisation__kind", "role", "organisation_id", "organisation__jurisdiction__path"
        )
        cached = tuple(Grant(*row) for row in rows)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user) -> None:
    """Drop the cached grants (after memberships change within one request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _select(user, kinds: Iterable[str] | None, roles: Iterable[str] | None) -> list[Grant]:
    kinds = set(kinds) if kinds is not None else None
    roles = set(roles) if roles is not None else None
    return [
        g
        for g in grants(user)
        if (kinds is None or g.kind in kinds) and (roles is None or g.role in roles)
    ]


def node_of(obj) -> Jurisdiction | None:
    if obj is None:
        return None
    if isinstance(obj, Jurisdiction):
        return obj
    return getattr(obj, "governing_node", None)


def governed_paths(user, *, kinds=GOVERNMENT_KINDS, roles=None) -> list[str]:
    """The tree paths under which the user holds a government grant (empty if none)."""
    return sorted({g.path for g in _select(user, kinds, roles)})


def governs(user, obj, *, kinds=GOVERNMENT_KINDS, roles=None) -> bool:
    """True when a government grant of the user covers the object's node (same or ancestor)."""
    node = node_of(obj)
    if node is None:
        return False
    return any(node.path.startswith(p) for p in governed_paths(user, kinds=kinds, roles=roles))


def scope_q(user, field: str = "path", *, kinds=GOVERNMENT_KINDS, roles=None) -> Q:
    """A filter selecting rows whose node path (``field``) lies in the user's governed subtrees.

    Selects nothing for a user without grants, so a forgotten check fails closed.
    """
    paths = governed_paths(user, kinds=kinds, roles=roles)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def organisation_ids(user, kind: str, roles=None) -> set[int]:
    return {g.organisation_id for g in _select(user, [kind], roles)}


def is_member(user, organisation, roles=None) -> bool:
    org_id = getattr(organisation, "pk", organisation)
    return any(g.organisation_id == org_id for g in _select(user, None, roles))


def is_staff_person(user) -> bool:
    """Anyone who acts for an organisation (government, committee or company), or a Django admin."""
    return bool(getattr(user, "is_staff", False) or grants(user))


def highest_level_path(user, *, kinds=GOVERNMENT_KINDS) -> str | None:
    paths = governed_paths(user, kinds=kinds)
    return min(paths, key=len) if paths else None


# ---- the roles a person holds ----------------------------------------------------------------
# One workbench section each (``portal.workbench.sections``), and what a notification kind
# addresses (``portal.notifications.kinds.Kind.audience``): one way of telling who someone is.
OWNER = "owner"
COMMITTEE = "committee"
COMPANY = "company"
STREET = "street"  # a street office or a residents' committee
BUREAU = "bureau"  # a district or city housing bureau
ROLES = (COMMITTEE, COMPANY, STREET, BUREAU, OWNER)
# The organisation kinds whose active membership gives each staff role.
ROLE_ORG_KINDS = {
    COMMITTEE: (OrgKind.OWNERS_COMMITTEE,),
    COMPANY: (OrgKind.PROPERTY_COMPANY,),
    STREET: (OrgKind.STREET_OFFICE, OrgKind.RESIDENTS_COMMITTEE),
    BUREAU: (OrgKind.BUREAU,),
}
# The ``rules`` rule that says whether a person has a home in the portal's estates (a unit, or a
# claim pending or rejected): the registry adds it; this module does not import upward.
HAS_HOME_RULE = "portal.has_home"


def roles_of(user) -> frozenset[str]:
    """The roles the user holds: a staff role per kind of organisation they act for, and
    ``OWNER`` for anyone who acts for none (a resident, who may claim a unit) or who has a home
    in the portal's estates (``HAS_HOME_RULE``). Empty for an anonymous user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    held = {role for role, kinds in ROLE_ORG_KINDS.items() if _select(user, kinds, None)}
    if not grants(user) or rules.test_rule(HAS_HOME_RULE, user):
        held.add(OWNER)
    return frozenset(held)


# ---- rules predicates shared by every app ------------------------------------------------


@rules.predicate
def is_government_staff(user, obj=None) -> bool:
    return governs(user, obj) if obj is not None else bool(_select(user, GOVERNMENT_KINDS, None))


@rules.predicate
def is_bureau_approver(user, obj=None) -> bool:
    kinds, roles = [OrgKind.BUREAU], [Role.APPROVER]
    return (
        governs(user, obj, kinds=kinds, roles=roles)
        if obj is not None
        else bool(_select(user, kinds, roles))
    )


@rules.predicate
def is_bureau_staff(user, obj=None) -> bool:
    kinds = [OrgKind.BUREAU]
    return governs(user, obj, kinds=kinds) if obj is not None else bool(_select(user, kinds, None))


def governs_pred(*, kinds=GOVERNMENT_KINDS, roles=None, name: str | None = None):
    """Build a rules predicate: the user governs the object's node with one of these kinds/roles."""

    def check(user, obj=None) -> bool:
        if obj is None:
            return bool(_select(user, kinds, roles))
        return governs(user, obj, kinds=kinds, roles=roles)

    return rules.predicate(check, name=name or f"governs({','.join(sorted(kinds))})")


# ---- the gate: every view of the portal is opened through it -----------------------------


@dataclass(frozen=True, slots=True)
class Gate:
    """What a view asks before it runs, recorded on the view as ``view.gate`` (read by
    ``tests/portal/test_one_gate.py`` and the generated ``docs/permissions.md``).

    perm        the ``rules`` permission checked (on the object when there is one); ``None``:
                any signed-in user (or anyone, if public), the view narrowing further itself
    model       the object loaded from the URL (``kwarg`` matched against ``lookup``; 404 if none)
    statuses    the object's states in which the view may run; otherwise ``state_message`` and
                a redirect to ``state_redirect`` (a URL name taking the object's pk)
    public      anonymous visitors pass; otherwise they are sent to sign in first
    """

    perm: str | None = None
    model: type | None = None
    lookup: str = "pk"
    kwarg: str = "pk"
    queryset: Callable | None = None
    statuses: frozenset | None = None
    state_message: str = ""
    state_redirect: str = ""
    public: bool = False

    def load(self, kwargs: dict):
        qs = self.queryset() if self.queryset else self.model._default_manager.all()
        return get_object_or_404(qs, **{self.lookup: kwargs.pop(self.kwarg)})


def gate(
    perm: str | None = None,
    *,
    model=None,
    lookup: str = "pk",
    kwarg: str = "pk",
    queryset: Callable | None = None,
    statuses: Iterable[str] | None = None,
    state_message: str = "",
    state_redirect: str = "",
    public: bool = False,
):
    """The one view decorator (helios's ``election_view``): sign-in, object, permission, state.

    Anonymous visitors of a non-public view go to sign in; the object (``model``) is loaded
    once (404); ``perm`` is checked on it (an anonymous visitor refused is sent to sign in, anyone
    else gets 403); a state outside ``statuses`` gives ``state_message`` and a redirect to
    ``state_redirect``; the view receives the object after the request."""
    spec = Gate(
        perm, model, lookup, kwarg, queryset,
        frozenset(statuses) if statuses is not None else None,
        state_message, state_redirect, public,
    )  # fmt: skip

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not public and not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = spec.load(kwargs) if model is not None else None
            if perm is not None and not user.has_perm(perm, obj):
                if not user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            if spec.statuses is not None and obj.status not in spec.statuses:
                messages.error(request, state_message)
                return redirect(state_redirect, obj.pk)
            if model is not None:
                return view(request, obj, *args, **kwargs)
            return view(request, *args, **kwargs)

        wrapper.gate = spec
        return wrapper

    return decorator


def gate_of(view) -> Gate | None:
    """The gate a URL callback passes through (looking through ``require_POST`` and the like)."""
    while view is not None:
        spec = view.__dict__.get("gate") if hasattr(view, "__dict__") else None
        if isinstance(spec, Gate):
            return spec
        view = getattr(view, "__wrapped__", None)
    return None
