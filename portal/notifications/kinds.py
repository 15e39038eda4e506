"""The kinds of notification, each registered by the app whose workflow step it reports.

A kind says what a person is told (its title, with ``%(name)s`` placeholders filled from the
notification's plain parameters, translated when shown), what the settings page calls it, and
on which channels it goes out by default: in the portal always, by email unless the person turns
it off, by SMS only for the steps an owner must act on (``sms=True``), and its audience: the
roles it can reach (``portal.permissions.ROLES``, the roles that give a person a workbench
section). The settings page offers a person the kinds of the roles they hold, grouped by area
(the app, from the code's prefix: ``fund.request_filed`` is in the area ``fund``), each area
registered with its heading and a line saying what it is about. The audience only decides what
the settings page offers: whoever a step tells is told, in the portal always.

Apps register their kinds in ``AppConfig.ready`` (``register(Kind(...))``); the ground layer
never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from portal.core.words import half_year_label, join_list, quarter_label
from portal.permissions import ROLES


@dataclass(frozen=True)
class Kind:
    code: str  # "fund.request_filed": app, then the step
    label: str | Promise  # what the settings page calls it ("An emergency request to review")
    title: str | Promise  # what the person is told, with %(name)s placeholders
    sms: bool = False  # SMS on by default (steps an owner must act on)
    email: bool = True  # email on by default
    audience: frozenset[str] = frozenset()  # the roles it can reach (portal.permissions.ROLES)
    # Parameters stored as a code and shown as its label in the reader's language:
    # {"ruling": ObjectionStatus} shows "dismissed" as "已驳回：结果维持" to a Chinese reader.
    choices: tuple[tuple[str, type], ...] = ()
    # A kind a person may turn off altogether, in the portal too (reminders): the settings page
    # offers "do not tell me at all" for it, and ``notify`` leaves out whoever chose it.
    can_mute: bool = False

    def __post_init__(self):
        # Written as a tuple or set at registration; kept as a frozenset of known roles.
        object.__setattr__(self, "audience", frozenset(self.audience))
        unknown = self.audience - set(ROLES)
        if unknown:
            raise ValueError(f"{self.code}: unknown roles {sorted(unknown)} in its audience")

    @property
    def area(self) -> str:
        """The app that registered it: the code's prefix ("fund")."""
        return self.code.split(".", 1)[0]

    def reaches(self, roles) -> bool:
        return bool(self.audience & set(roles))


@dataclass(frozen=True)
class Area:
    """A heading of the settings page: the kinds of one app."""

    code: str  # "fund", the prefix of its kinds' codes
    title: str | Promise  # "Maintenance fund"
    note: str | Promise = ""  # one line saying what its notifications are about
    order: int = 100  # place on the page (smaller first)


_KINDS: dict[str, Kind] = {}
_AREAS: dict[str, Area] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        _KINDS[kind.code] = kind


def register_area(area: Area) -> None:
    _AREAS[area.code] = area


def area(code: str) -> Area:
    """The registered area, else one titled by its code (a kind registered without one)."""
    return _AREAS.get(code) or Area(code=code, title=code)


def get(code: str) -> Kind | None:
    return _KINDS.get(code)


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def by_area(roles, *, also=()) -> list[tuple[Area, list[Kind]]]:
    """The kinds that reach one of ``roles`` (and the kinds ``also`` names, e.g. kinds the
    person has received anyway), grouped by area in the areas' order, each area's kinds in the
    order their app registered them (the order of its workflow)."""
    also = set(also)
    groups: dict[str, list[Kind]] = {}
    for kind in _KINDS.values():
        if kind.reaches(roles) or kind.code in also:
            groups.setdefault(kind.area, []).append(kind)
    areas = sorted((area(code) for code in groups), key=lambda a: (a.order, a.code))
    return [(a, groups[a.code]) for a in areas]


def render_title(code: str, params: dict) -> str:
    """The title of a notification in the active language (placeholders left out if missing)."""
    kind = get(code)
    if kind is None:
        return str(params.get("title") or code)
    template = str(kind.title)
    # A list (unit codes) is joined as the reader's language joins one: "甲、乙" or "A, B".
    values = {k: join_list(v) if isinstance(v, list) else v for k, v in params.items()}
    # A year and a quarter are also named as the reader's language names a quarter.
    if "year" in values and "quarter" in values:
        values.setdefault("period", quarter_label(values["year"], values["quarter"]))
    # A half-year's code (2026H1) is named as the reader's language names a half-year.
    if "period" in values:
        values["period"] = half_year_label(values["period"])
    for name, enum in kind.choices:
        if name in values:
            try:
                values[name] = str(enum(values[name]).label)
            except ValueError:
                pass  # an unknown code is shown as it is
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return template
