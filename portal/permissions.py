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
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

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


# ---- views ----------------------------------------------------------------------------------


def object_permission_required(
    perm: str, model, lookup: str = "pk", *, kwarg: str = "pk", queryset: Callable | None = None
):
    """Load the view's object once, check ``perm`` on it, pass it as ``obj`` (helios-style).

    Anonymous users are sent to log in; a signed-in user without the right gets 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            qs = queryset() if queryset else model._default_manager.all()
            obj = get_object_or_404(qs, **{lookup: kwargs.pop(kwarg)})
            if not request.user.has_perm(perm, obj):
                if not request.user.is_authenticated:
                    from django.contrib.auth.views import redirect_to_login

                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, obj, *args, **kwargs)

        return wrapper

    return decorator
