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
