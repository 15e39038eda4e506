"""Property company credit rating (DOMAIN.md section 3; the model is design after the
Yantai/Shandong, Hefei and Beijing schemes)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from property.credit.scoring import (
    Grade,
    Reason,
    Record,
    ScoringError,
    Supervision,
    in_force,
    score,
    score_json,
    score_many,
)

D = Decimal
AS_OF = date(2025, 1, 9)


def rec(
    kind="bad",
    points="1",
    effective=date(2024, 6, 1),
    days=365,
    serious=False,
    status="effective",
    code="",
):
    return Record(
        kind=kind,
        points=D(points),
        effective=effective,
        validity_days=days,
        serious=serious,
        status=status,
        code=code,
    )


def run(checklist="60", satisfaction="1", records=(), as_of=AS_OF):
    return score(
        as_of=as_of, checklist=D(checklist), satisfaction=D(satisfaction), records=list(records)
    )


# --- composition of the score ----------------------------------------------------------


def test_example_from_cli_contract():
    """55 + 20 x 0.90 = 73; the good record of 2024-01-10 (365 days) expired on 2025-01-09."""
    b = run("55", "0.90", [rec("good", "10", date(2024, 1, 10))])
    assert b.basic == D("55.00")
    assert b.satisfaction == D("18.00")
    assert b.base == D("73.00")
    assert b.good == D("0.00")
    assert b.score == D("73.00")
    assert b.grade is Grade.A
    assert str(b.score) == "73.00"


def test_base_capped_at_80():
    """Basic + satisfaction at most 80 (60 + 20 = 80 is the most; the cap is the rule)."""
    b = run("60", "1")
    assert b.base == D("80.00")
    assert b.score == D("80.00")


def test_good_capped_at_40():
    """Good records count at most 40 in total; good_raw keeps the uncapped sum."""
    b = run("60", "1", [rec("good", "25"), rec("good", "25")])
    assert b.good_raw == D("50.00")
    assert b.good == D("40.00")
    assert b.score == D("120.00")


def test_score_clamped_at_120():
    """80 + 40 = 120 is the top; more good points change nothing."""
    b = run("60", "1", [rec("good", "100")])
    assert b.score == D("120.00")
    assert b.grade is Grade.AAA


def test_score_clamped_at_0():
    """Bad points beyond the total clamp the score to 0, not below."""
    b = run("10", "0", [rec("bad", "35")])
    assert b.bad == D("35.00")
    assert b.score == D("0.00")
    assert b.grade is Grade.C


def test_good_cap_applies_before_bad_points():
    """min(good, 40) is added, then bad points subtracted: 80 + 40 - 10 = 110, not 120."""
    b = run("60", "1", [rec("good", "60"), rec("bad", "10")])
    assert b.score == D("110.00")


def test_score_has_two_places():
    """The score is a Decimal with exactly 2 places."""
    b = run("50", "0.5")
    assert str(b.score) == "60.00"
    assert b.score.as_tuple().exponent == -2


# --- satisfaction rounding ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "points"),
    [
        ("0", "0.00"),
        ("1", "20.00"),
        ("0.9", "18.00"),
        ("0.12345", "2.47"),  # 2.469 -> 2.47
        ("0.00025", "0.01"),  # 0.005 -> 0.01 (half-up)
        ("0.00125", "0.03"),  # 0.025 -> 0.03 (half-up; half-even would give 0.02)
        ("0.00024", "0.00"),  # 0.0048 -> 0.00
        ("0.8765", "17.53"),  # 17.530
        ("0.87674", "17.53"),  # 17.5348 -> 17.53
        ("0.87675", "17.54"),  # 17.535 -> 17.54
    ],
)
def test_satisfaction_points_rounded_half_up(share, points):
    """Satisfaction = 20 x satisfied share, rounded to 2 places half-up."""
    assert run("0", share).satisfaction == D(points)


# --- grade boundaries --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("100", Grade.AAA),
        ("85", Grade.AAA),
        ("84.99", Grade.AA),
        ("80", Grade.AA),
        ("79.99", Grade.A),
        ("70", Grade.A),
        ("69.99", Grade.B),
        ("60", Grade.B),
    ],
)
def test_grade_boundaries(value, grade):
    """AAA >= 85, AA >= 80, A >= 70, B >= 60 (the boundary value is in the higher grade)."""
    # base 60 + good points (in force) to reach the target exactly.
    target = D(value)
    good = target - D(60)
    b = run("60", "0", [rec("good", str(good))] if good else [])
    assert b.score == target
    assert b.grade is grade


def test_just_below_60_with_bad_record_is_c():
    """59.99 with a bad record in force is C."""
    b = run("60", "0", [rec("bad", "0.01")])
    assert b.score == D("59.99")
    assert b.grade is Grade.C


def test_below_60_without_bad_record_is_b():
    """Shandong: below 60 with no bad record in force is B, not C."""
    b = run("59.99", "0")
    assert b.score == D("59.99")
    assert b.grade is Grade.B
    assert run("0", "0").grade is Grade.B


def test_below_60_with_expired_bad_record_is_b():
    """Only a bad record in force makes a low score C; an expired one does not."""
    expired = rec("bad", "5", effective=date(2023, 1, 1), days=365)
    b = run("40", "0", [expired])
    assert b.score == D("40.00")
    assert b.grade is Grade.B


def test_below_60_with_pending_or_revoked_bad_record_is_b():
    """Pending and revoked bad records do not make a low score C."""
    b = run("40", "0", [rec("bad", "5", status="pending"), rec("bad", "5", status="revoked")])
    assert b.grade is Grade.B


def test_below_60_because_of_bad_record_is_c():
    """70 - 15 = 55 with the bad record in force: C."""
    b = run("50", "1", [rec("bad", "15")])
    assert b.score == D("55.00")
    assert b.grade is Grade.C


# --- validity ---------------------------------------------------------------------------


def test_last_day_in_force_and_first_day_out():
    """Effective 2024-01-10 for 365 days: in force through 2025-01-08, out on 2025-01-09
    (2024 is a leap year, so 2024-01-10 + 365 days = 2025-01-09)."""
    r = rec("good", "10", effective=date(2024, 1, 10), days=365)
    assert not in_force(r, date(2024, 1, 9))
    assert in_force(r, date(2024, 1, 10))
    assert in_force(r, date(2025, 1, 8))
    assert not in_force(r, date(2025, 1, 9))


def test_one_day_validity():
    """validity_days = 1: in force on the effective day only."""
    r = rec(effective=date(2025, 3, 1), days=1)
    assert [in_force(r, date(2025, 3, d)) for d in (1, 2)] == [True, False]
    assert not in_force(r, date(2025, 2, 28))


@given(
    effective=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    days=st.integers(min_value=1, max_value=3 * 366),
)
def test_in_force_exactly_validity_days(effective, days):
    """In force on effective .. effective + days - 1, out on effective + days and before effective."""
    r = rec(effective=effective, days=days)
    assert not in_force(r, effective - timedelta(days=1))
    assert in_force(r, effective)
    assert in_force(r, effective + timedelta(days=days - 1))
    assert not in_force(r, effective + timedelta(days=days))


def test_score_changes_on_the_exact_expiry_day():
    """The bad record's points are deducted on its last day and not on the next."""
    r = rec("bad", "6", effective=date(2024, 3, 1), days=30)
    assert run(records=[r], as_of=date(2024, 3, 30)).score == D("74.00")
    assert run(records=[r], as_of=date(2024, 3, 31)).score == D("80.00")


@pytest.mark.parametrize("status", ["pending", "revoked"])
def test_pending_and_revoked_never_count(status):
    """Only status 'effective' counts: pending (objection window) and revoked never do."""
    for kind in ("good", "bad"):
        r = rec(kind, "10", status=status)
        assert not in_force(r, AS_OF)
        b = run("50", "0.5", [r])
        assert b.score == D("60.00")
        assert b.in_force == ()


def test_pending_record_may_have_no_effective_date():
    """A pending or revoked record may lack an effective date; an effective one may not."""
    assert not in_force(rec(effective=None, status="pending"), AS_OF)
    assert not in_force(rec(effective=None, status="revoked"), AS_OF)
    with pytest.raises(ScoringError, match="needs an effective date"):
        rec(effective=None, status="effective")


def test_explanations_one_per_record_with_reason():
    """The "why" page: every record with counts, reason code and first/last day in force."""
    records = [
        rec("good", "5", effective=date(2024, 6, 1), code="G-01"),
        rec("bad", "3", effective=date(2023, 1, 1), code="B-07"),
        rec("bad", "3", effective=date(2025, 2, 1), code="B-08"),
        rec("bad", "9", effective=None, status="pending", code="B-09"),
        rec("bad", "9", effective=date(2024, 12, 1), status="revoked", code="B-10"),
    ]
    b = run(records=records)
    assert [(e.record.code, e.counts, e.reason) for e in b.explanations] == [
        ("G-01", True, Reason.IN_FORCE),
        ("B-07", False, Reason.EXPIRED),
        ("B-08", False, Reason.NOT_YET_EFFECTIVE),
        ("B-09", False, Reason.PENDING),
        ("B-10", False, Reason.REVOKED),
    ]
    assert [e.reason for e in b.explanations] == [
        "in_force",
        "expired",
        "not_yet_effective",
        "pending",
        "revoked",
    ]
    first = b.explanations[0]
    assert (first.first_day, first.last_day) == (date(2024, 6, 1), date(2025, 5, 31))
    assert (b.explanations[3].first_day, b.explanations[3].last_day) == (None, None)
    assert b.in_force == (records[0],)


# --- blacklist -----------------------------------------------------------------------------


def test_serious_bad_record_in_force_blacklists_whatever_the_score():
    """Any serious bad record in force puts the company on the blacklist, even at AAA."""
    r = rec("bad", "1", serious=True)
    b = run("60", "1", [rec("good", "20"), r])
    assert b.grade is Grade.AAA
    assert b.blacklisted is True


def test_blacklist_ends_when_serious_record_expires():
    """Off the blacklist on the day the serious record expires."""
    r = rec("bad", "1", effective=date(2024, 1, 1), days=366, serious=True)
    assert run(records=[r], as_of=date(2024, 12, 31)).blacklisted is True
    assert run(records=[r], as_of=date(2025, 1, 1)).blacklisted is False


def test_non_serious_or_pending_serious_record_does_not_blacklist():
    """A non-serious record, or a serious one pending or revoked, does not blacklist."""
    assert run(records=[rec("bad", "20")]).blacklisted is False
    assert run(records=[rec("bad", "20", serious=True, status="pending")]).blacklisted is False
    assert run(records=[rec("bad", "20", serious=True, status="revoked")]).blacklisted is False


def test_good_record_cannot_be_serious():
    """'serious' applies to bad records only."""
    with pytest.raises(ScoringError, match="only a bad record can be serious"):
        rec("good", "1", serious=True)


# --- supervision (Beijing) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "level"),
    [
        ("0", Supervision.NONE),
        ("5.99", Supervision.NONE),
        ("6", Supervision.WARNING),
        ("8.99", Supervision.WARNING),
        ("9", Supervision.INTERVIEW),
        ("11.99", Supervision.INTERVIEW),
        ("12", Supervision.BAN),
        ("30", Supervision.BAN),
    ],
)
def test_supervision_thresholds(points, level):
    """Bad points in force reaching 6, 9, 12: warning, interview, ban."""
    b = run(records=[rec("bad", points)] if D(points) else [])
    assert b.bad_points_in_force == D(points)
    assert b.supervision is level


def test_supervision_sums_records_in_force_only():
    """3 + 3 in force = 6 (warning); an expired 6 and a pending 6 add nothing."""
    records = [
        rec("bad", "3"),
        rec("bad", "3"),
        rec("bad", "6", effective=date(2020, 1, 1)),
        rec("bad", "6", status="pending"),
    ]
    b = run(records=records)
    assert b.bad_points_in_force == D("6.00")
    assert b.supervision is Supervision.WARNING


def test_good_points_do_not_offset_supervision():
    """Supervision counts bad points only, whatever the good records."""
    b = run(records=[rec("bad", "12"), rec("good", "40")])
    assert b.score == D("108.00")
    assert b.supervision is Supervision.BAN


# --- input checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checklist", "satisfaction", "message"),
    [
        ("60.01", "1", "checklist must be between 0 and 60"),
        ("-1", "1", "checklist must be between 0 and 60"),
        ("50.005", "1", "more than 2 decimal places"),
        ("50", "1.01", "between 0 and 1"),
        ("50", "-0.1", "between 0 and 1"),
        ("NaN", "1", "finite"),
    ],
)
def test_score_rejects_out_of_range(checklist, satisfaction, message):
    """Checklist is 0..60 and satisfaction a share 0..1; outside raises ScoringError."""
    with pytest.raises(ScoringError, match=message):
        run(checklist, satisfaction)


def test_score_requires_decimals_and_a_date():
    """Floats are refused (inexact); as_of must be a date, not a datetime."""
    with pytest.raises(ScoringError, match="Decimal"):
        score(as_of=AS_OF, checklist=55.0, satisfaction=D("0.9"), records=[])
    with pytest.raises(ScoringError, match="as_of must be a date"):
        from datetime import datetime

        score(as_of=datetime(2025, 1, 9), checklist=D(55), satisfaction=D("0.9"), records=[])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "neutral"}, "unknown kind 'neutral'"),
        ({"status": "approved"}, "unknown status 'approved'"),
        ({"points": "-1"}, "points must not be negative"),
        ({"points": "1.005"}, "more than 2 decimal places"),
        ({"days": 0}, "validity_days must be at least 1"),
        ({"days": 365.0}, "validity_days must be an int"),
    ],
)
def test_record_rejects_bad_fields(kwargs, message):
    """A Record is checked when built: kind, status, points, validity."""
    with pytest.raises(ScoringError, match=message):
        rec(**kwargs)


def test_record_serious_must_be_bool():
    """serious is a real bool."""
    with pytest.raises(ScoringError, match="serious must be true or false"):
        Record("bad", D(1), AS_OF, 365, 1, "effective")


# --- score_many ----------------------------------------------------------------------------


def test_score_many_matches_score():
    """The daily bulk recompute gives the same breakdown as scoring one by one."""
    companies = {
        "91370600MA3C000001": (D("55"), D("0.90"), [rec("good", "10", date(2024, 1, 10))]),
        "91370600MA3C000002": (D("40"), D("0.5"), [rec("bad", "13", serious=True)]),
        "91370600MA3C000003": (D("30"), D("0.1"), []),
    }
    result = score_many(companies, AS_OF)
    assert list(result) == list(companies)
    for key, (checklist, sat, records) in companies.items():
        assert result[key] == score(
            as_of=AS_OF, checklist=checklist, satisfaction=sat, records=records
        )
    assert result["91370600MA3C000002"].supervision is Supervision.BAN
    assert result["91370600MA3C000003"].grade is Grade.B


def test_score_many_names_the_bad_company():
    """A bad entry raises ScoringError naming the company."""
    with pytest.raises(ScoringError, match="company 'X': checklist must be between 0 and 60"):
        score_many({"ok": (D(50), D(1), []), "X": (D(61), D(1), [])}, AS_OF)


# --- hypothesis: invariants of the model -------------------------------------------------

two_places = st.decimals(min_value=0, max_value=30, places=2, allow_nan=False, allow_infinity=False)
records_st = st.lists(
    st.builds(
        Record,
        kind=st.sampled_from(["good", "bad"]),
        points=two_places,
        effective=st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 1, 1)),
        validity_days=st.integers(1, 1095),
        serious=st.just(False),
        status=st.sampled_from(["effective", "revoked", "pending"]),
    ),
    max_size=15,
)


@given(
    checklist=st.decimals(min_value=0, max_value=60, places=2),
    share=st.decimals(min_value=0, max_value=1, places=4),
    records=records_st,
    as_of=st.dates(min_value=date(2022, 1, 1), max_value=date(2027, 1, 1)),
)
def test_score_invariants(checklist, share, records, as_of):
    """Score = clamp(min(basic + sat, 80) + min(good, 40) - bad, 0, 120), grade consistent."""
    b = score(as_of=as_of, checklist=checklist, satisfaction=share, records=records)
    good = sum((r.points for r in records if r.kind == "good" and in_force(r, as_of)), D(0))
    bad = sum((r.points for r in records if r.kind == "bad" and in_force(r, as_of)), D(0))
    expected = min(max(min(checklist + b.satisfaction, 80) + min(good, 40) - bad, 0), 120)
    assert b.score == expected
    assert D(0) <= b.score <= D(120)
    assert b.bad_points_in_force == bad
    assert b.in_force == tuple(r for r in records if in_force(r, as_of))
    assert len(b.explanations) == len(records)
    if b.score >= 60:
        assert b.grade in (Grade.AAA, Grade.AA, Grade.A, Grade.B)
    elif any(r.kind == "bad" for r in b.in_force):
        assert b.grade is Grade.C
    else:
        assert b.grade is Grade.B


# --- score_json (CLI contract) ---------------------------------------------------------------


def _request(**overrides):
    data = {
        "as_of": "2025-01-09",
        "checklist": "55",
        "satisfaction": "0.90",
        "records": [
            {
                "kind": "good",
                "points": "10",
                "effective": "2024-01-10",
                "validity_days": 365,
                "serious": False,
                "status": "effective",
            }
        ],
    }
    data.update(overrides)
    return data


def _record(**overrides):
    entry = {
        "kind": "bad",
        "points": "6",
        "effective": "2024-12-01",
        "validity_days": 365,
        "serious": False,
        "status": "effective",
    }
    entry.update(overrides)
    return entry


def test_score_json_contract_example():
    """The documented example: 73.00, A, nothing in force."""
    assert score_json(_request()) == {
        "score": "73.00",
        "grade": "A",
        "blacklisted": False,
        "bad_points_in_force": "0.00",
        "supervision": "none",
    }


def test_score_json_day_before_expiry():
    """One day earlier the good record still counts: 83.00, AA."""
    assert score_json(_request(as_of="2025-01-08"))["score"] == "83.00"


def test_score_json_bad_records():
    """Bad points in force as a 2-place string, supervision and blacklist."""
    out = score_json(
        _request(
            records=[
                _record(),
                _record(points="3.5", serious=True, code="B-12"),
                _record(points="9", status="pending", effective=None),
            ]
        )
    )
    assert out == {
        "score": "63.50",
        "grade": "B",
        "blacklisted": True,
        "bad_points_in_force": "9.50",
        "supervision": "interview",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_request(as_of="2025-02-30"), "as_of is not a valid date"),
        (_request(as_of="20250109"), "as_of must be a date string YYYY-MM-DD"),
        (_request(as_of="2025-01-09T00:00"), "YYYY-MM-DD"),
        (_request(as_of=None), "YYYY-MM-DD"),
        (_request(checklist="61"), "checklist must be between 0 and 60"),
        (_request(checklist=55), "checklist must be a JSON string .* JSON number 55"),
        (_request(checklist="5e1"), "checklist is not a plain decimal"),
        (_request(satisfaction="1.1"), "between 0 and 1"),
        (_request(satisfaction="-0.5"), "between 0 and 1"),
        (_request(satisfaction=0.9), "JSON number 0.9"),
        (_request(records=None), "records must be a JSON array"),
        (_request(records=["x"]), r"records\[0\] must be a JSON object"),
        (
            _request(records=[_record(kind="neutral")]),
            r"records\[0\]\.kind: unknown kind 'neutral'",
        ),
        (
            _request(records=[_record(status="done")]),
            r"records\[0\]\.status: unknown status 'done'",
        ),
        (_request(records=[_record(points="-1")]), r"records\[0\]\.points must not be negative"),
        (_request(records=[_record(points=6)]), r"records\[0\]\.points .* JSON number"),
        (_request(records=[_record(points="1.001")]), "more than 2 decimal places"),
        (
            _request(records=[_record(effective="2024-13-01")]),
            r"records\[0\]\.effective is not a valid date",
        ),
        (_request(records=[_record(effective=None)]), "needs an effective date"),
        (_request(records=[_record(validity_days="365")]), "validity_days must be a JSON integer"),
        (_request(records=[_record(validity_days=0)]), "validity_days must be at least 1"),
        (_request(records=[_record(serious="no")]), "serious must be true or false"),
        (
            _request(records=[_record(kind="good", serious=True)]),
            "only a bad record can be serious",
        ),
        ({"checklist": "1", "satisfaction": "1", "records": []}, "missing key 'as_of'"),
        ({"as_of": "2025-01-09", "satisfaction": "1", "records": []}, "missing key 'checklist'"),
        ({"as_of": "2025-01-09", "checklist": "1", "records": []}, "missing key 'satisfaction'"),
        ({"as_of": "2025-01-09", "checklist": "1", "satisfaction": "1"}, "missing key 'records'"),
        (_request(records=[{"kind": "bad"}]), r"records\[0\]: missing key 'points'"),
        ([], "input must be a JSON object"),
    ],
)
def test_score_json_rejects(data, message):
    """Bad CLI input raises ScoringError (a ValueError) with a one-line message."""
    with pytest.raises(ScoringError, match=message) as info:
        score_json(data)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


# ---- owners' quarterly ratings blended into satisfaction (issue 19) ------------------------


def test_satisfaction_blends_survey_and_ratings_by_the_weighting():
    """share = (1 - w) × survey + w × (average stars - 1) / 4; 20 × share in points."""
    from property.credit.scoring import satisfaction_share

    parts = satisfaction_share(
        survey=Decimal("0.8"), stars_total=9, ratings=2, weight=Decimal("0.3")
    )
    assert parts.stars == Decimal("4.50") and parts.rating_share == Decimal("0.875")
    assert parts.share == Decimal("0.8225")  # 0.7 × 0.8 + 0.3 × 0.875
    result = score(
        as_of=date(2026, 1, 1), checklist=Decimal(60), satisfaction=parts.share, records=[]
    )
    assert result.satisfaction == Decimal("16.45")


def test_satisfaction_with_one_source_uses_it_whole():
    from property.credit.scoring import satisfaction_share

    only_ratings = satisfaction_share(survey=None, stars_total=5, ratings=1, weight=Decimal("0.3"))
    assert (only_ratings.share, only_ratings.weight) == (Decimal("1"), Decimal("1"))
    only_survey = satisfaction_share(
        survey=Decimal("0.5"), stars_total=0, ratings=0, weight=Decimal("0.3")
    )
    assert (only_survey.share, only_survey.weight) == (Decimal("0.5"), Decimal("0"))
    none = satisfaction_share(survey=None, stars_total=0, ratings=0, weight=Decimal("0.3"))
    assert none.share == 0


def test_satisfaction_weight_bounds_and_bad_stars():
    from property.credit.scoring import satisfaction_share

    w0 = satisfaction_share(survey=Decimal("0.5"), stars_total=5, ratings=1, weight=Decimal("0"))
    w1 = satisfaction_share(survey=Decimal("0.5"), stars_total=5, ratings=1, weight=Decimal("1"))
    assert (w0.share, w1.share) == (Decimal("0.5"), Decimal("1"))
    with pytest.raises(ScoringError):
        satisfaction_share(survey=None, stars_total=6, ratings=1, weight=Decimal("0.3"))
    with pytest.raises(ScoringError):
        satisfaction_share(survey=None, stars_total=1, ratings=1, weight=Decimal("1.1"))
