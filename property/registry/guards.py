"""Guards over registry changes that layers above the registry may veto.

The registry sits below voting (layer 2 < layer 3) and must not import it, yet a unit's area
must not change while a vote on its estate is open (DOMAIN.md §1: the electorate is frozen
when a vote opens). So the registry asks registered guard callables before it changes areas:

    from property.registry import guards

    def no_area_change_during_open_vote(*, estate, unit_codes):
        if open_votes(estate).exists():
            raise guards.RegistryChangeRefused(_("A vote on this estate is open."))

    # in VotingConfig.ready():
    guards.register_area_guard(no_area_change_during_open_vote)

A guard is called with keyword arguments ``estate`` (an Estate) and ``unit_codes`` (the codes
of the existing units whose area would change) and vetoes by raising
:class:`RegistryChangeRefused` with a user-facing message. It must not write anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager

AreaGuard = Callable[..., None]

_area_guards: list[AreaGuard] = []


class RegistryChangeRefused(Exception):
    """Raised by a guard to veto a registry change; ``str(exc)`` is shown to the user."""


def register_area_guard(guard: AreaGuard) -> AreaGuard:
    """Register a guard (idempotent); returns it, so it can be used as a decorator."""
    if guard not in _area_guards:
        _area_guards.append(guard)
    return guard


def unregister_area_guard(guard: AreaGuard) -> None:
    if guard in _area_guards:
        _area_guards.remove(guard)


@contextmanager
def area_guard(guard: AreaGuard):
    """Register a guard for the duration of a ``with`` block (tests)."""
    register_area_guard(guard)
    try:
        yield guard
    finally:
        unregister_area_guard(guard)


def area_change_refusals(*, estate, unit_codes: Iterable[str]) -> list[str]:
    """Ask every guard; return the refusal messages (empty when the change may proceed)."""
    codes = sorted(set(unit_codes))
    if not codes:
        return []
    refusals = []
    for guard in list(_area_guards):
        try:
            guard(estate=estate, unit_codes=codes)
        except RegistryChangeRefused as exc:
            refusals.append(str(exc))
    return refusals


# ---- conflicts of interest in claim verification ------------------------------------------
#
# DOMAIN.md §1 "Conflicts of interest": an organisation may not verify claims in an estate while
# a vote that concerns it is scheduled or open. Votes live above the registry, so voting
# registers a *conflict source*: a callable ``source(*, estate)`` returning (organisation id,
# reason) pairs for the organisations barred in that estate now. It must not write anything.

ConflictSource = Callable[..., Iterable[tuple[int, str]]]

_conflict_sources: list[ConflictSource] = []


def register_conflict_source(source: ConflictSource) -> ConflictSource:
    """Register a conflict source (idempotent); returns it, so it can be used as a decorator."""
    if source not in _conflict_sources:
        _conflict_sources.append(source)
    return source


def unregister_conflict_source(source: ConflictSource) -> None:
    if source in _conflict_sources:
        _conflict_sources.remove(source)


@contextmanager
def conflict_source(source: ConflictSource):
    """Register a conflict source for the duration of a ``with`` block (tests)."""
    register_conflict_source(source)
    try:
        yield source
    finally:
        unregister_conflict_source(source)


def verifier_conflicts(*, estate) -> dict[int, str]:
    """Organisations barred from deciding claims of ``estate`` now: {organisation id: reason}.
    The first reason given for an organisation is kept."""
    barred: dict[int, str] = {}
    for source in list(_conflict_sources):
        for organisation_id, reason in source(estate=estate):
            barred.setdefault(organisation_id, reason)
    return barred
