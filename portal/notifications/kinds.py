"""The kinds of notification, each registered by the app whose workflow step it reports.

A kind says what a person is told (its title, with ``%(name)s`` placeholders filled from the
notification's plain parameters, translated when shown), what the settings page calls it, and
on which channels it goes out by default: in the portal always, by email unless the person turns
it off, by SMS only for the steps an owner must act on (``sms=True``).

Apps register their kinds in ``AppConfig.ready`` (``register(Kind(...))``); the ground layer
never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from portal.core.words import join_list


@dataclass(frozen=True)
class Kind:
    code: str  # "fund.request_filed": app, then the step
    label: str | Promise  # what the settings page calls it ("An emergency request to review")
    title: str | Promise  # what the person is told, with %(name)s placeholders
    sms: bool = False  # SMS on by default (steps an owner must act on)
    email: bool = True  # email on by default


_KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        _KINDS[kind.code] = kind


def get(code: str) -> Kind | None:
    return _KINDS.get(code)


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def render_title(code: str, params: dict) -> str:
    """The title of a notification in the active language (placeholders left out if missing)."""
    kind = get(code)
    if kind is None:
        return str(params.get("title") or code)
    template = str(kind.title)
    # A list (unit codes) is joined as the reader's language joins one: "甲、乙" or "A, B".
    values = {k: join_list(v) if isinstance(v, list) else v for k, v in params.items()}
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return template
