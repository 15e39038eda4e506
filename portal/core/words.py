"""Words joined the way the reader's language joins them.

Chinese separates the items of a list with the enumeration comma (、, 顿号) and no space;
English with a comma and a space. ``"、".join`` in a template printed "Online、Paper ballot、Proxy"
on English pages. One place decides: the catalogue's translation of the list separator.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import pgettext


def list_separator() -> str:
    # Translators: what separates the items of a list ("甲、乙、丙").
    return pgettext("list separator", ", ")


def join_list(items: Iterable) -> str:
    """The items as text, joined with the active language's list separator."""
    return list_separator().join(str(item) for item in items)


def quarter_label(year, quarter) -> str:
    """A calendar quarter as the reader's language writes it: 2026年第4季度 / 2026 Q4. Every
    page, notice and message names a quarter through this one function."""
    # Translators: a calendar quarter of a year, e.g. "2026年第4季度".
    return pgettext("calendar quarter", "%(year)s Q%(quarter)s") % {
        "year": year,
        "quarter": quarter,
    }


def quarter_name(quarter) -> str:
    """A quarter without its year (a form's choices): 第4季度 / Q4."""
    # Translators: a calendar quarter without its year, e.g. "第4季度".
    return pgettext("calendar quarter", "Q%(quarter)s") % {"quarter": quarter}


def quarter_choices() -> list[tuple[int, str]]:
    """The four quarters for a form's choices (a callable, so read in the reader's language)."""
    return [(q, quarter_name(q)) for q in (1, 2, 3, 4)]
