"""Money, areas and counts look the same on every page (issue 15: "¥6644002.14" next to
"389,315.38"): templates use the ``money``, ``area`` and ``count`` filters and nothing else."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.loader import render_to_string

THEMES = Path(__file__).resolve().parents[2] / "themes"


def test_estate_fund_balance_has_thousands_separators():
    html = render_to_string(
        "cms/includes/estate_fund.html",
        {"fund": {"balance": Decimal("6644002.14"), "units": 1280, "refill_due": 3}},
    )
    assert "¥6,644,002.14" in html and "1,280" in html
    assert "6644002.14" not in html


def test_fund_statement_totals_and_units():
    html = render_to_string(
        "fund/includes/statement_body.html",
        {
            "opening": Decimal("6644002.14"),
            "movements": [("Interest", Decimal("-1234.5"))],
            "closing": Decimal("6642767.64"),
            "projects": [],
            "units": [("1-1-0101", Decimal("1389.5"), Decimal("12500"))],
        },
    )
    assert "¥6,644,002.14" in html and "-¥1,234.50" in html and "¥6,642,767.64" in html
    assert "1,389.50" in html and "12,500.00" in html


def test_vote_result_lines_format_heads_and_area():
    from voting.presentation import Line

    lines = [
        Line("heads", "1204", "1500", "80.3%", "≥ 2/3", True, ""),
        Line("area", "44069.56", "58848.27", "74.9%", "≥ 2/3", True, "m²"),
    ]
    vote = {"pk": 1, "title": "T", "estate": {"code": "binjiang", "name": "滨江花园"}}
    context = {"lines": lines, "vote": vote, "result": {}}
    html = render_to_string("voting/result.html", context)
    assert "1,204/1,500" in html
    assert "44,069.56/58,848.27\u00a0m²" in html


@pytest.mark.parametrize("kind", ["money", "area", "count"])
def test_dashboard_figures_use_the_one_format(kind):
    from portal.core.indicators import Indicator
    from portal.dashboards.templatetags.dashboards import figure

    indicator = Indicator("x", "x", kind)
    expected = {"money": "1,234,567.80", "area": "1,234,567.80", "count": "1,234,568"}[kind]
    assert figure({"x": Decimal("1234567.8")}, indicator) == expected


def test_no_template_formats_numbers_another_way():
    """floatformat, intcomma and a hand-written ¥ each gave one of the three formats seen.
    PDF templates are converted on the PDF branch (issue 15) and join this check there."""
    pattern = re.compile(r"floatformat|intcomma|\bhumanize\b|¥\{\{")
    faults = []
    for path in sorted(THEMES.glob("*/templates/**/*")):
        rel = path.relative_to(THEMES).as_posix()
        if path.is_dir() or "/templates/pdf/" in rel:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                faults.append(f"{rel}:{n}: {line.strip()[:100]}")
    assert not faults, "\n".join(faults)
