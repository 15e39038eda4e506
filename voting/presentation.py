"""The result figures in plain words (display only: the decision is ``voting.tally``'s).

Each line shows a figure against its threshold, e.g. "Participating heads 60/89 (67.4%) ≥ 2/3 ✓":
one line per condition ``voting.tally`` tested (``TallyResult.conditions``, from the stored
figures by ``tally.result_from_json``), rendered as the tally returned it, never tested again
here; the outcome shown is always the stored one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from .tally import Condition, format_area, result_from_json


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    of: str
    percent: str
    threshold: str
    met: bool
    unit: str


def _percent(part: int, whole: int) -> str:
    if whole == 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"


_LABELS = {
    "participation_heads": _("Participating owners (heads)"),
    "participation_area": _("Participating area"),
    "approval_heads": _("Agreeing owners (heads), of those participating"),
    "approval_area": _("Agreeing area, of the participating area"),
}


def _line(c: Condition) -> Line:
    area = c.name.endswith("_area")
    show = format_area if area else str
    return Line(
        str(_LABELS[c.name]),
        show(c.value),
        show(c.of),
        _percent(c.value, c.of),
        f"{'>' if c.strict else '≥'} {c.num}/{c.den}",
        c.met,
        "m²" if area else "",
    )


def result_lines(result: dict) -> list[Line]:
    """One line per condition the tally tested (``voting.tally.Condition``), in its order."""
    return [_line(c) for c in result_from_json(result).conditions]


def percent(part, whole) -> str:
    """Display percentage of two Decimals or ints, one decimal place."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"
