"""One number format for every page, e-mail and PDF: ``{% load numbers %}``.

=========  ==========================  =================================================
filter     ``Decimal("6644002.1")``    rule
=========  ==========================  =================================================
``money``  ``¥6,644,002.10``           yuan: ¥, thousands separators, two decimals
``area``   ``6,644,002.10 m²``         m²: thousands separators, two decimals, unit
``count``  ``6,644,002``               heads, units, records: thousands separators
=========  ==========================  =================================================

``money`` and ``area`` take the argument ``"plain"`` to leave out the sign or unit where a
column header already names it (``{{ share|money:"plain" }}`` under "Share (yuan)").
Rounding is half up (to the fen, to 0.01 m², to a whole count), done in ``Decimal``; floats
are read through their shortest ``repr`` so ``0.1`` stays ``0.10``. A negative amount is
written ``-¥1,234.50``. ``None`` and ``""`` give ``—``; anything that is not a number is
returned unchanged, so a wrong value shows up instead of vanishing.

The format is the same in Chinese and English (both write ``1,234.50``); it does not follow
``USE_THOUSAND_SEPARATOR``. The functions below are plain Python and can be called from code
(XLSX cells stay numbers; use these only for text).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

MISSING = "—"
CENT = Decimal("0.01")
ONE = Decimal("1")


def _decimal(value):
    """``value`` as a finite ``Decimal``, or ``None`` when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, step: Decimal) -> tuple[str, str]:
    """(sign, digits with thousands separators) of ``number`` rounded half up to ``step``."""
    rounded = number.quantize(step, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""  # -0.00 rounds to 0.00 and takes no sign
    places = max(0, -step.as_tuple().exponent)
    return sign, f"{abs(rounded):,.{places}f}"


def format_money(value, arg: str = "") -> str:
    if value is None or value == "":
        return MISSING
    number = _decimal(value)
    if number is None:
        return value
    sign, digits = _grouped(number, CENT)
    return f"{sign}{digits}" if arg == "plain" else f"{sign}¥{digits}"


def format_area(value, arg: str = "") -> str:
    if value is None or value == "":
        return MISSING
    number = _decimal(value)
    if number is None:
        return value
    sign, digits = _grouped(number, CENT)
    # A no-break space: the number and its unit never part at the end of a line on a phone.
    return f"{sign}{digits}" if arg == "plain" else f"{sign}{digits}\u00a0m²"


def format_count(value) -> str:
    if value is None or value == "":
        return MISSING
    number = _decimal(value)
    if number is None:
        return value
    sign, digits = _grouped(number, ONE)
    return f"{sign}{digits}"


@register.filter(is_safe=True)
def money(value, arg=""):
    """``¥1,234.50`` (``"plain"``: ``1,234.50``)."""
    return format_money(value, arg)


@register.filter(is_safe=True)
def area(value, arg=""):
    """``1,234.50 m²`` (``"plain"``: ``1,234.50``)."""
    return format_area(value, arg)


@register.filter(is_safe=True)
def count(value):
    """``1,234``."""
    return format_count(value)
