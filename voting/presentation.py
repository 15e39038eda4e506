"""The result figures in plain words (display only: the decision is ``voting.tally``'s).

Each line shows a figure against its threshold, e.g. "Participating heads 60/89 (67.4%) ≥ 2/3 ✓".
The per-line check repeats the tally's integer cross-multiplication on the stored figures so
the page can say which condition failed; the outcome shown is always the stored one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from .tally import parse_area


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


def result_lines(result: dict) -> list[Line]:
    total, part, agree = result["total"], result["participating"], result["agree"]
    th, ta = total["heads"], parse_area(total["area"])
    ph, pa = part["heads"], parse_area(part["area"])
    ah, aa = agree["heads"], parse_area(agree["area"])
    special = result["rule"] == "special"
    lines = [
        Line(
            str(_("Participating owners (heads)")),
            str(ph),
            str(th),
            _percent(ph, th),
            "≥ 2/3",
            th > 0 and 3 * ph >= 2 * th,
            "",
        ),
        Line(
            str(_("Participating area")),
            part["area"],
            total["area"],
            _percent(pa, ta),
            "≥ 2/3",
            ta > 0 and 3 * pa >= 2 * ta,
            "m²",
        ),
    ]
    if special:
        h_ok, a_ok, sign = 4 * ah >= 3 * ph, 4 * aa >= 3 * pa, "≥ 3/4"
    else:
        h_ok, a_ok, sign = 2 * ah > ph, 2 * aa > pa, "> 1/2"
    lines += [
        Line(
            str(_("Agreeing owners (heads), of those participating")),
            str(ah),
            str(ph),
            _percent(ah, ph),
            sign,
            ph > 0 and h_ok,
            "",
        ),
        Line(
            str(_("Agreeing area, of the participating area")),
            agree["area"],
            part["area"],
            _percent(aa, pa),
            sign,
            pa > 0 and a_ok,
            "m²",
        ),
    ]
    return lines


def percent(part, whole) -> str:
    """Display percentage of two Decimals or ints, one decimal place."""
    if not whole:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"
