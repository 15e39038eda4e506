"""The pure rules of project managers (``property.credit.managers``, ``scoring.score_manager``):
qualification numbers, the manager's score and the bans (DOMAIN.md section 3, design)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from property.credit.managers import (
    Ban,
    QualificationError,
    ban_on,
    ban_periods,
    mask_qualification,
    normalize_qualification,
)
from property.credit.scoring import Record, score_manager


def rec(
    kind="bad", points="3", effective=date(2026, 1, 10), days=365, status="effective", code="r"
):
    return Record(
        kind=kind,
        points=Decimal(points),
        effective=effective if status == "effective" else None,
        validity_days=days,
        serious=False,
        status=status,
        code=code,
    )


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("wy20190001", "WY20190001"),
        ("  WY 2019 0001 ", "WY20190001"),
        ("ＷＹ２０１９０００１", "WY20190001"),  # full-width, as typed on a Chinese keyboard
        ("sc-2019-0001", "SC20190001"),  # hyphens as printed on some certificates
        ("-WY-2019-0001-", "WY20190001"),
        ("123456", "123456"),
    ],
)
def test_qualification_number_is_normalised(raw, stored):
    """One stored form whatever the spacing, width or case: the number is the person's key."""
    assert normalize_qualification(raw) == stored


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "12345",
        "ABCDEFGH12",
        "WY_2019_0001",
        "项目2019001",
        "A" * 30 + "1234",
    ],
)
def test_bad_qualification_numbers_are_refused(raw):
    """6-32 letters/digits with inner hyphens and at least 4 digits; anything else is refused."""
    with pytest.raises(QualificationError):
        normalize_qualification(raw)


def test_mask_keeps_first_two_and_last_four():
    assert mask_qualification("WY20190001") == "WY****0001"
    assert mask_qualification("123456") == "1*****"


def test_manager_score_starts_from_the_full_base():
    """A manager has no checklist or survey: base 80, plus good (cap 40), minus bad."""
    b = score_manager(
        as_of=date(2026, 3, 1),
        records=[rec(kind="good", points="3"), rec(points="2", code="b")],
    )
    assert (b.base, b.good, b.bad, b.score, str(b.grade)) == (
        Decimal("80.00"),
        Decimal("3.00"),
        Decimal("2.00"),
        Decimal("81.00"),
        "AA",
    )


def test_manager_score_ignores_pending_and_revoked():
    b = score_manager(
        as_of=date(2026, 3, 1), records=[rec(status="pending"), rec(status="revoked", code="x")]
    )
    assert b.score == Decimal("80.00") and not b.in_force


def test_record_ban_runs_from_effective_for_its_days():
    """A catalogue item carrying a ban of 365 days bans from the effective day through day 365."""
    start = date(2026, 1, 10)
    bans = ban_periods([(rec(points="6", effective=start), 365)])
    assert bans == [Ban(start, date(2027, 1, 9), "record", "r")]
    assert ban_on(bans, start - timedelta(days=1)) is None
    assert ban_on(bans, start) is bans[0]
    assert ban_on(bans, date(2027, 1, 9)) is bans[0]
    assert ban_on(bans, date(2027, 1, 10)) is None


def test_no_ban_from_pending_revoked_or_good_records():
    assert ban_periods([(rec(status="pending"), 365), (rec(status="revoked"), 365)]) == []
    assert ban_periods([(rec(kind="good"), 0)]) == []


def test_supervision_ban_starts_the_day_bad_points_reach_twelve():
    """Beijing: 12 bad points in force ban new projects for one year, from the day they are
    reached; 11.5 do not."""
    first = date(2026, 1, 10)
    second = date(2026, 4, 1)
    below = ban_periods(
        [(rec(points="6", effective=first), 0), (rec(points="5.5", effective=second, code="s"), 0)]
    )
    assert below == []
    bans = ban_periods(
        [(rec(points="6", effective=first), 0), (rec(points="6", effective=second, code="s"), 0)]
    )
    assert bans == [Ban(second, second + timedelta(days=364), "supervision", "s")]


def test_supervision_ban_needs_the_points_in_force_together():
    """Two 6-point records whose validity does not overlap never make 12 together."""
    first = date(2025, 1, 1)
    bans = ban_periods(
        [
            (rec(points="6", effective=first, days=30), 0),
            (rec(points="6", effective=first + timedelta(days=30), code="s"), 0),
        ]
    )
    assert bans == []
    # One day of overlap is enough.
    bans = ban_periods(
        [
            (rec(points="6", effective=first, days=31), 0),
            (rec(points="6", effective=first + timedelta(days=30), code="s"), 0),
        ]
    )
    assert [b.first_day for b in bans] == [first + timedelta(days=30)]


def test_supervision_ban_again_after_points_fell_and_rose():
    """Points fall below 12 when a record expires; reaching 12 again starts a new ban."""
    d0 = date(2025, 1, 1)
    records = [
        (rec(points="12", effective=d0, days=100, code="a"), 0),
        (rec(points="12", effective=d0 + timedelta(days=200), days=100, code="b"), 0),
    ]
    bans = ban_periods(records)
    assert [(b.first_day, b.code) for b in bans] == [(d0, "a"), (d0 + timedelta(days=200), "b")]


def test_ban_days_must_be_whole_days():
    with pytest.raises(ValueError):
        ban_periods([(rec(), -1)])
