"""Words joined the way the reader's language joins them.

Chinese separates the items of a list with the enumeration comma (、, 顿号) and no space;
English with a comma and a space. ``"、".join`` in a template printed "Online、Paper ballot、Proxy"
on English pages. One place decides: the catalogue's translation of the list separator.
"""

from __future__ import annotations

import re
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


HALF_YEAR_CODE = re.compile(r"^(\d{4})H([12])$")


def half_year_label(period) -> str:
    """A half-year of statements as the reader's language writes it: 2026年上半年 / 2026 H1.
    ``period`` is its code (``2026H1``, as in URLs and exports) or anything whose ``str`` is;
    anything else is returned as it is."""
    match = HALF_YEAR_CODE.match(str(period))
    if match is None:
        return str(period)
    year, half = match.groups()
    if half == "1":
        # Translators: the first half of a year (January to June), e.g. "2026年上半年".
        return pgettext("half-year", "%(year)s H1") % {"year": year}
    # Translators: the second half of a year (July to December), e.g. "2026年下半年".
    return pgettext("half-year", "%(year)s H2") % {"year": year}


def quarter_name(quarter) -> str:
    """A quarter without its year (a form's choices): 第4季度 / Q4."""
    # Translators: a calendar quarter without its year, e.g. "第4季度".
    return pgettext("calendar quarter", "Q%(quarter)s") % {"quarter": quarter}


def quarter_choices() -> list[tuple[int, str]]:
    """The four quarters for a form's choices (a callable, so read in the reader's language)."""
    return [(q, quarter_name(q)) for q in (1, 2, 3, 4)]
