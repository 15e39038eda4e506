"""One number format (issue 15): money ``¥6,644,002.14``, area ``389,315.38 m²``, count
``1,234``; the same in Chinese and English, exact in Decimal."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from portal.core.templatetags.numbers import format_area, format_count, format_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("6644002.14"), "¥6,644,002.14"),
        (Decimal("0"), "¥0.00"),
        (0, "¥0.00"),
        (Decimal("-1234.5"), "-¥1,234.50"),
        (Decimal("-0.001"), "¥0.00"),  # rounds to zero: no minus sign
        (Decimal("0.005"), "¥0.01"),  # half up, not banker's rounding
        (Decimal("0.015"), "¥0.02"),
        (Decimal("999.995"), "¥1,000.00"),
        (Decimal("123456789012345678.99"), "¥123,456,789,012,345,678.99"),
        (Decimal("1E+3"), "¥1,000.00"),
        (12, "¥12.00"),
        (0.1, "¥0.10"),
        (1234.565, "¥1,234.57"),  # read through repr, not the binary fraction ...564999
        ("6644002.14", "¥6,644,002.14"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_money(value, expected):
    assert format_money(value) == expected


def test_money_plain_leaves_out_the_sign_for_a_column_headed_yuan():
    assert format_money(Decimal("-6644002.1"), "plain") == "-6,644,002.10"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("389315.38"), "389,315.38\u00a0m²"),
        (Decimal("44069.56"), "44,069.56\u00a0m²"),
        (Decimal("0"), "0.00\u00a0m²"),
        (Decimal("-12.345"), "-12.35\u00a0m²"),
        (Decimal("89.999"), "90.00\u00a0m²"),
        (Decimal("1000000000"), "1,000,000,000.00\u00a0m²"),
        (None, "—"),
    ],
)
def test_area(value, expected):
    """The number and "m²" are joined by a no-break space, so a phone never wraps between them."""
    assert format_area(value) == expected


def test_area_plain():
    assert format_area(Decimal("58848.27"), "plain") == "58,848.27"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (512, "512"),
        (1234, "1,234"),
        (0, "0"),
        (-1500, "-1,500"),
        (Decimal("2.5"), "3"),
        (Decimal("1234567.0"), "1,234,567"),
        (10**15, "1,000,000,000,000,000"),
        (None, "—"),
    ],
)
def test_count(value, expected):
    assert format_count(value) == expected


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", True, object])
def test_not_a_number_is_returned_unchanged(bad):
    """A wrong value shows up as it is: never a made-up ¥0.00, never an exception."""
    assert format_money(bad) is bad
    assert format_area(bad) is bad
    assert format_count(bad) is bad


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_money_reads_back_exactly(amount):
    """Strip the sign, ¥ and separators and the amount comes back to the fen."""
    text = format_money(amount)
    assert Decimal(text.replace("¥", "").replace(",", "")) == amount
    assert text.count(",") == max(0, (len(str(abs(int(amount)))) - 1) // 3)


def test_filters_in_a_template_same_in_both_languages():
    template = Template(
        "{% load numbers %}{{ m|money }} | {{ a|area }} | {{ a|area:'plain' }} | {{ c|count }}"
    )
    context = Context({"m": Decimal("6644002.14"), "a": Decimal("389315.38"), "c": 51234})
    expected = "¥6,644,002.14 | 389,315.38\u00a0m² | 389,315.38 | 51,234"
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert template.render(context) == expected


def test_non_number_is_escaped():
    html = Template("{% load numbers %}{{ v|money }}").render(Context({"v": "<b>x</b>"}))
    assert html == "&lt;b&gt;x&lt;/b&gt;"
