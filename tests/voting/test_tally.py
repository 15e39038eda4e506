"""Tests for voting.tally: the counting rules of DOMAIN.md section 1.

Civil Code Art. 278 (participation 2/3 of area and heads; special matters 6-8 need 3/4 of
participating area and heads, ordinary ones more than half), Art. 1259 ("以上" inclusive,
"过半数" strictly more than half), SPC interpretation Art. 8-9 (area and heads, owner parties).
"""

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voting import tally as tally_module
from voting.tally import (
    MATTERS,
    SPECIAL_MATTERS,
    ZERO,
    Choice,
    Outcome,
    Rule,
    TallyInputError,
    TallyResult,
    Weight,
    format_area,
    parse_area,
    party_areas,
    result_to_json,
    rule_for,
    tally,
    tally_counts,
    tally_json,
)

AGREE, OPPOSE, ABSTAIN = Choice.AGREE, Choice.OPPOSE, Choice.ABSTAIN


def full_turnout(matter, agree, oppose=ZERO, abstain=ZERO):
    """tally_counts where every party voted (total == participating)."""
    return tally_counts(matter, agree + oppose + abstain, agree, oppose, abstain)


# --- matters and rules ------------------------------------------------------------------


@pytest.mark.parametrize("matter", [6, 7, 8])
def test_matters_6_to_8_are_special(matter):
    """Civil Code Art. 278: raising the fund, rebuilding, changing common parts are special."""
    assert rule_for(matter) is Rule.SPECIAL


@pytest.mark.parametrize("matter", [1, 2, 3, 4, 5, 9])
def test_other_matters_are_ordinary(matter):
    """Civil Code Art. 278: matters 1-5 and 9 are decided by the ordinary majority."""
    assert rule_for(matter) is Rule.ORDINARY


def test_constants():
    """Art. 278 para. 1 lists nine matters, of which 6-8 are special."""
    assert list(MATTERS) == list(range(1, 10))
    assert SPECIAL_MATTERS == {6, 7, 8}


@pytest.mark.parametrize("matter", [0, 10, -1, True, False, "1", 1.0, None])
def test_unknown_matter_is_rejected(matter):
    """Only the nine matters of Art. 278 exist; a bool is not a matter number."""
    with pytest.raises(TallyInputError, match="unknown matter"):
        rule_for(matter)


def test_tally_rejects_unknown_matter():
    """A vote on a matter outside Art. 278 cannot be counted."""
    with pytest.raises(TallyInputError, match="unknown matter"):
        tally(10, {"A": 100}, {"A": "agree"})


# --- participation (every matter): 3*part >= 2*total, area AND heads ----------------------


def test_participation_exactly_two_thirds_of_area_and_heads_is_met():
    """Art. 278 "三分之二以上" includes exactly 2/3 (Art. 1259): 2 of 3 heads, 200 of 300 m²."""
    result = tally(1, {"A": 10000, "B": 10000, "C": 10000}, {"A": AGREE, "B": AGREE})
    assert result.participation_met
    assert result.outcome is Outcome.PASSED


def test_participation_one_hundredth_of_area_below_two_thirds_is_invalid():
    """Participation needs 3*area >= 2*total: 199.99 of 300.00 m² is short by 0.01 m²."""
    result = tally(1, {"A": 10000, "B": 9999, "C": 10001}, {"A": AGREE, "B": AGREE})
    assert result.participating == Weight(2, 19999)
    assert not result.participation_met
    assert not result.approved
    assert result.outcome is Outcome.INVALID


def test_participation_area_met_but_heads_one_short_is_invalid():
    """Participation needs 2/3 of heads too: 3 of 6 heads fail even with 99.9% of the area."""
    electorate = {"A": 100000, "B": 100000, "C": 100000, "D": 100, "E": 100, "F": 100}
    result = tally(1, electorate, {"A": AGREE, "B": AGREE, "C": AGREE})
    assert not result.participation_met
    assert result.outcome is Outcome.INVALID


def test_participation_four_of_six_heads_is_exactly_two_thirds():
    """Heads boundary: 4 of 6 heads is exactly 2/3 and meets participation."""
    electorate = {"A": 100000, "B": 100000, "C": 100000, "D": 100, "E": 100, "F": 100}
    result = tally(1, electorate, {"A": AGREE, "B": AGREE, "C": AGREE, "D": OPPOSE})
    assert result.participation_met
    assert result.outcome is Outcome.PASSED


def test_participation_heads_met_but_area_short_is_invalid():
    """Participation needs 2/3 of area too: 2 of 3 heads holding 2 of 1002 m² fail."""
    result = tally(1, {"A": 100, "B": 100, "C": 100000}, {"A": AGREE, "B": AGREE})
    assert result.participating.heads * 3 >= result.total.heads * 2
    assert not result.participation_met
    assert result.outcome is Outcome.INVALID


def test_invalid_vote_is_never_approved_even_if_everyone_participating_agrees():
    """Without participation there is no decision: outcome invalid, approved False."""
    result = tally(6, {"A": 100, "B": 100, "C": 100}, {"A": AGREE})
    assert result.agree == result.participating
    assert (result.approved, result.outcome) == (False, Outcome.INVALID)


# --- ordinary matters: 2*agree > part, area AND heads -----------------------------------


def test_ordinary_exactly_half_of_area_fails():
    """ "过半数" is strictly more than half (Art. 1259): 100.00 of 200.00 m² is not enough."""
    result = full_turnout(1, agree=Weight(2, 10000), oppose=Weight(1, 10000))
    assert result.participation_met
    assert result.outcome is Outcome.FAILED


def test_ordinary_one_hundredth_over_half_of_area_passes():
    """Ordinary majority: 100.01 of 200.01 m² is more than half."""
    result = full_turnout(1, agree=Weight(2, 10001), oppose=Weight(1, 10000))
    assert result.outcome is Outcome.PASSED
    assert result.approved


def test_ordinary_exactly_half_of_heads_fails():
    """ "过半数" of heads: 2 of 4 heads fails although they hold 99% of the area."""
    result = full_turnout(1, agree=Weight(2, 20000), oppose=Weight(2, 200))
    assert result.outcome is Outcome.FAILED


def test_ordinary_one_more_head_than_half_passes():
    """Ordinary majority of heads: 3 of 5 heads is more than half."""
    result = full_turnout(1, agree=Weight(3, 20100), oppose=Weight(2, 200))
    assert result.outcome is Outcome.PASSED


def test_ordinary_area_majority_without_head_majority_fails():
    """Both tests must hold (Art. 278 "且"): area majority alone is not enough."""
    result = full_turnout(4, agree=Weight(1, 10000), oppose=Weight(2, 200))
    assert result.outcome is Outcome.FAILED


def test_ordinary_head_majority_without_area_majority_fails():
    """Both tests must hold (Art. 278 "且"): head majority alone is not enough."""
    result = full_turnout(4, agree=Weight(2, 200), oppose=Weight(1, 10000))
    assert result.outcome is Outcome.FAILED


# --- special matters: 4*agree >= 3*part, area AND heads ---------------------------------


@pytest.mark.parametrize("matter", sorted(SPECIAL_MATTERS))
def test_special_exactly_three_quarters_passes(matter):
    """ "四分之三以上" includes exactly 3/4 (Art. 1259): 3 of 4 heads, 300 of 400 m²."""
    result = full_turnout(matter, agree=Weight(3, 30000), oppose=Weight(1, 10000))
    assert result.rule is Rule.SPECIAL
    assert result.outcome is Outcome.PASSED


def test_special_one_hundredth_of_area_below_three_quarters_fails():
    """Special majority of area: 299.99 of 399.99 m² is below 3/4."""
    result = full_turnout(6, agree=Weight(3, 29999), oppose=Weight(1, 10000))
    assert result.outcome is Outcome.FAILED


def test_special_heads_just_below_three_quarters_fails():
    """Special majority of heads: 5 of 7 heads is below 3/4 (20 < 21)."""
    result = full_turnout(7, agree=Weight(5, 90000), oppose=Weight(2, 200))
    assert result.outcome is Outcome.FAILED


def test_special_six_of_eight_heads_passes():
    """Special majority of heads: 6 of 8 heads is exactly 3/4."""
    result = full_turnout(7, agree=Weight(6, 90000), oppose=Weight(2, 200))
    assert result.outcome is Outcome.PASSED


def test_special_area_passes_heads_fail():
    """Both tests must hold for special matters: 2 of 3 heads fail despite 99.9% of area."""
    result = full_turnout(8, agree=Weight(2, 90000), oppose=Weight(1, 100))
    assert result.outcome is Outcome.FAILED


def test_special_heads_pass_area_fails():
    """Both tests must hold for special matters: 3 of 4 heads fail with 0.1% of area."""
    result = full_turnout(8, agree=Weight(3, 100), oppose=Weight(1, 90000))
    assert result.outcome is Outcome.FAILED


def test_two_thirds_agreeing_passes_ordinary_but_not_special():
    """The same counts pass an ordinary matter (过半数) and fail a special one (3/4)."""
    counts = {"agree": Weight(2, 20000), "oppose": Weight(1, 10000)}
    assert full_turnout(9, **counts).outcome is Outcome.PASSED
    assert full_turnout(6, **counts).outcome is Outcome.FAILED


# --- the DOMAIN.md worked example -----------------------------------------------------


def example_units():
    """100 units x 100 m²; developer holds 10 unsold units, owner M holds 3 (SPC Art. 9)."""
    units = []
    for n in range(1, 101):
        party = "DEV" if n <= 10 else "M" if n <= 13 else f"O{n}"
        units.append((party, 10000))
    return units


def test_worked_example_has_89_heads_and_10000_square_metres():
    """SPC interpretation Art. 9: the developer's unsold units and a multi-unit buyer count
    one head each, so 100 units make 89 heads; the area is the sum of all units (Art. 8)."""
    electorate = party_areas(example_units())
    assert len(electorate) == 89
    assert electorate["DEV"] == 100000
    assert electorate["M"] == 30000
    assert sum(electorate.values()) == 1000000


def test_worked_example_participation_needs_60_heads():
    """DOMAIN.md example: 3*59 < 2*89 <= 3*60, so 60 heads are the minimum."""
    total = Weight(89, 1000000)
    met = tally_counts(1, total, Weight(60, 700000), ZERO, ZERO)
    short = tally_counts(1, total, Weight(59, 700000), ZERO, ZERO)
    assert met.participation_met
    assert not short.participation_met


def test_worked_example_participation_needs_6666_67_square_metres():
    """DOMAIN.md example: 2/3 of 10,000 m² rounds up to 6,666.67 m² participating."""
    total = Weight(89, 1000000)
    assert tally_counts(1, total, Weight(60, 666667), ZERO, ZERO).participation_met
    assert not tally_counts(1, total, Weight(60, 666666), ZERO, ZERO).participation_met


def test_worked_example_ordinary_needs_31_heads_and_more_than_3550_square_metres():
    """DOMAIN.md example: with 60 heads and 7,100 m² taking part, an ordinary matter needs
    at least 31 agreeing heads and more than 3,550 m² agreeing."""
    total = Weight(89, 1000000)

    def outcome(agree):
        oppose = Weight(60 - agree.heads, 710000 - agree.area)
        return tally_counts(1, total, agree, oppose, ZERO).outcome

    assert outcome(Weight(31, 355001)) is Outcome.PASSED
    assert outcome(Weight(31, 355000)) is Outcome.FAILED
    assert outcome(Weight(30, 500000)) is Outcome.FAILED


def test_worked_example_counted_from_ballots():
    """DOMAIN.md example end to end: developer, M and 58 owners vote (60 heads, 7,100 m²);
    the developer, M and 29 owners agree: 31 heads and 4,200 m² pass; one fewer owner fails."""
    electorate = party_areas(example_units())
    singles = [p for p in electorate if p.startswith("O")]
    ballots = {"DEV": AGREE, "M": AGREE}
    ballots |= {p: AGREE for p in singles[:29]}
    ballots |= {p: OPPOSE for p in singles[29:58]}
    result = tally(1, electorate, ballots)
    assert result.participating == Weight(60, 710000)
    assert result.agree == Weight(31, 420000)
    assert result.outcome is Outcome.PASSED

    ballots[singles[28]] = OPPOSE
    assert tally(1, electorate, ballots).outcome is Outcome.FAILED


# --- owner parties: developer, multi-unit owners, co-owners -----------------------------


def test_developer_units_vote_as_one_head_with_summed_area():
    """SPC interpretation Art. 9: all unsold units of the developer are one head together."""
    electorate = party_areas([("DEV", 10000)] * 10 + [("A", 10000), ("B", 10000)])
    result = tally(1, electorate, {"DEV": AGREE, "A": OPPOSE})
    assert result.total == Weight(3, 120000)
    assert result.agree == Weight(1, 100000)
    # 1 head of 2 is not more than half, whatever the developer's area.
    assert result.outcome is Outcome.FAILED


def test_multi_unit_owner_is_one_head_with_summed_area():
    """SPC interpretation Art. 9: a buyer of several units counts as one head."""
    assert party_areas([("M", 9812), ("B", 5000), ("M", 7550), ("M", 1)]) == {
        "M": 17363,
        "B": 5000,
    }


def test_co_owners_are_one_party_and_vote_once():
    """DOMAIN.md: co-owners of a unit form one party, which votes once."""
    data = {
        "matter": 1,
        "units": [{"unit": "1-101", "area": "90.00", "party": "Zhang+Li"}],
        "ballots": [
            {"party": "Zhang+Li", "choice": "agree"},
            {"party": "Zhang+Li", "choice": "oppose"},
        ],
    }
    with pytest.raises(TallyInputError, match="votes twice"):
        tally_json(data)
    data["ballots"].pop()
    assert tally_json(data)["agree"] == {"heads": 1, "area": "90.00"}


def test_party_areas_rejects_negative_or_non_int_area():
    """Areas are non-negative integer centi-m²; a float or bool is not an area."""
    for bad in (-1, 1.5, True, "100"):
        with pytest.raises(TallyInputError):
            party_areas([("A", bad)])


# --- abstentions, non-voters, empty votes ---------------------------------------------


def test_abstention_counts_towards_participation():
    """Abstentions participate: with the abstainer 2 of 3 heads take part, without, 1 of 3."""
    electorate = {"A": 10000, "B": 10000, "C": 10000}
    with_abstain = tally(1, electorate, {"A": AGREE, "B": ABSTAIN})
    assert with_abstain.participation_met
    assert not tally(1, electorate, {"A": AGREE}).participation_met


def test_abstention_does_not_agree():
    """Abstentions participate but do not agree: 1 agree + 1 abstain is not a majority."""
    result = tally(1, {"A": 10000, "B": 10000, "C": 10000}, {"A": AGREE, "B": ABSTAIN})
    assert result.abstain == Weight(1, 10000)
    assert result.outcome is Outcome.FAILED


def test_non_voters_do_not_participate():
    """Design: non-voters neither participate nor follow the majority (DOMAIN.md)."""
    electorate = {"A": 10000, "B": 10000, "C": 10000, "D": 10000}
    result = tally(1, electorate, {"A": AGREE, "B": AGREE, "C": OPPOSE})
    assert result.total == Weight(4, 40000)
    assert result.participating == Weight(3, 30000)
    assert result.agree == Weight(2, 20000)
    assert result.outcome is Outcome.PASSED


def test_empty_electorate_is_invalid():
    """A vote with no parties has no valid decision."""
    result = tally(1, {}, {})
    assert result.total == ZERO
    assert (result.participation_met, result.approved, result.outcome) == (
        False,
        False,
        Outcome.INVALID,
    )


def test_no_ballots_is_invalid():
    """A vote with no participants has no valid decision."""
    assert tally(6, {"A": 100}, {}).outcome is Outcome.INVALID


def test_zero_area_electorate_is_invalid():
    """With no area at all the area test is meaningless: no valid decision."""
    assert tally(6, {"A": 0, "B": 0}, {"A": AGREE, "B": AGREE}).outcome is Outcome.INVALID


def test_choices_may_be_enum_or_plain_string():
    """Ballot choices are Choice members or their string values."""
    electorate = {"A": 100, "B": 100}
    assert tally(1, electorate, {"A": "agree", "B": "agree"}) == tally(
        1, electorate, {"A": AGREE, "B": AGREE}
    )


def test_tally_rejects_ballot_for_unknown_party():
    """Only parties of the frozen electorate vote."""
    with pytest.raises(TallyInputError, match="unknown party 'X'"):
        tally(1, {"A": 100}, {"X": AGREE})


@pytest.mark.parametrize("choice", ["yes", "AGREE", "", None, 1])
def test_tally_rejects_unknown_choice(choice):
    """Choices are agree, oppose, abstain only."""
    with pytest.raises(TallyInputError, match="unknown choice"):
        tally(1, {"A": 100}, {"A": choice})


@pytest.mark.parametrize("area", [-1, 1.5, True, "100", None])
def test_tally_rejects_bad_electorate_area(area):
    """Electorate areas are non-negative integer centi-m²."""
    with pytest.raises(TallyInputError, match="area of party"):
        tally(1, {"A": area}, {})


# --- tally_counts input checks --------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "agree", "message"),
    [
        (Weight(1, 100), Weight(2, 100), "exceeds total"),
        (Weight(2, 100), Weight(1, 101), "exceeds total"),
        (Weight(2, 100), Weight(-1, 0), "negative"),
        (Weight(2, 100), Weight(0, 50), "area but no heads"),
        (Weight(2, 100.0), Weight(1, 50), "must be ints"),
        ((2, 100), Weight(1, 50), "must be a Weight"),
    ],
)
def test_tally_counts_rejects_inconsistent_sums(total, agree, message):
    """Pre-aggregated sums must be consistent: participants are part of the electorate."""
    with pytest.raises(TallyInputError, match=message):
        tally_counts(1, total, agree, ZERO, ZERO)


def test_weight_addition_and_zero():
    """Weights add componentwise; ZERO is the neutral element."""
    assert Weight(1, 100) + Weight(2, 50) == Weight(3, 150)
    assert Weight(1, 100) + ZERO == Weight(1, 100)
    assert Weight.ZERO is ZERO


# --- areas ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "centi"),
    [
        ("98.12", 9812),
        ("98.1", 9810),
        ("98", 9800),
        ("0", 0),
        ("0.05", 5),
        ("0.29", 29),  # float("0.29") * 100 == 28.999999999999996
        ("1.15", 115),  # float("1.15") * 100 == 114.99999999999999
        ("007.50", 750),
        ("999999999999.99", 99999999999999),
    ],
)
def test_parse_area_is_exact(text, centi):
    """SPC interpretation Art. 8: areas are exact hundredths of m², never floats."""
    assert parse_area(text) == centi


@pytest.mark.parametrize(
    "text",
    ["98.123", "1e2", "1E2", "NaN", "nan", "inf", "", " ", " 98", "98 ", "98.", ".5", "+5",
     "1,000.00", "1_000", "９８", "0x10", "1000000000000"],
)  # fmt: skip
def test_parse_area_rejects_malformed(text):
    """Areas are plain decimal m² with at most 2 decimals; anything else is malformed."""
    with pytest.raises(TallyInputError, match="malformed area"):
        parse_area(text)


@pytest.mark.parametrize("text", ["-1", "-0.01", "-0"])
def test_parse_area_rejects_negative(text):
    """An area cannot be negative."""
    with pytest.raises(TallyInputError, match="negative area"):
        parse_area(text)


@pytest.mark.parametrize("value", [98.12, 98, None, b"98"])
def test_parse_area_rejects_non_strings(value):
    """Areas are parsed from strings only, so no float is ever involved."""
    with pytest.raises(TallyInputError, match="must be a string"):
        parse_area(value)


@pytest.mark.parametrize(
    ("centi", "text"),
    [(9812, "98.12"), (5, "0.05"), (0, "0.00"), (100, "1.00"), (123456789, "1234567.89"),
     (-5, "-0.05"), (-9812, "-98.12")],
)  # fmt: skip
def test_format_area_has_exactly_two_decimals(centi, text):
    """Areas are shown as m² with exactly two decimals."""
    assert format_area(centi) == text


@pytest.mark.parametrize("value", [1.5, True, "98"])
def test_format_area_rejects_non_int(value):
    """format_area takes integer centi-m² only."""
    with pytest.raises(TallyInputError):
        format_area(value)


# --- JSON contract --------------------------------------------------------------------


def sample():
    return {
        "matter": 1,
        "units": [
            {"unit": "1-101", "area": "98.12", "party": "P1"},
            {"unit": "1-102", "area": "98.12", "party": "P1"},
            {"unit": "1-201", "area": "120", "party": "P2"},
            {"unit": "1-202", "area": "60.5", "party": "P3"},
        ],
        "ballots": [
            {"party": "P1", "choice": "agree"},
            {"party": "P3", "choice": "abstain"},
        ],
    }


def test_tally_json_output_contract():
    """The CLI contract: rule, weights with areas as 2-decimal strings, flags and outcome."""
    assert tally_json(sample()) == {
        "rule": "ordinary",
        "total": {"heads": 3, "area": "376.74"},
        "participating": {"heads": 2, "area": "256.74"},
        "agree": {"heads": 1, "area": "196.24"},
        "oppose": {"heads": 0, "area": "0.00"},
        "abstain": {"heads": 1, "area": "60.50"},
        "participation_met": True,
        "approved": False,
        "outcome": "failed",
    }


def test_tally_json_output_is_plain_json():
    """The output round-trips through json with plain str/int/bool values."""
    out = tally_json(sample())
    assert json.loads(json.dumps(out)) == out
    assert type(out["rule"]) is str and type(out["outcome"]) is str


def test_tally_json_special_matter_passes():
    """Matter 6 uses the special rule (3/4 "以上"): all three parties agreeing pass; with P3
    opposing, 2 of 3 heads are below 3/4 and the vote fails."""
    data = sample()
    data["matter"] = 6
    data["ballots"] = [{"party": p, "choice": "agree"} for p in ("P1", "P2", "P3")]
    out = tally_json(data)
    assert (out["rule"], out["outcome"], out["approved"]) == ("special", "passed", True)
    data["ballots"][2]["choice"] = "oppose"
    assert tally_json(data)["outcome"] == "failed"


def test_tally_json_empty_units_is_invalid():
    """A vote with no units has no parties: invalid, not an error."""
    out = tally_json({"matter": 1, "units": [], "ballots": []})
    assert out["outcome"] == "invalid"
    assert out["total"] == {"heads": 0, "area": "0.00"}


def _set(path, value):
    def mutate(data):
        *parents, last = path
        target = data
        for key in parents:
            target = target[key]
        target[last] = value
        return data

    return mutate


def _delete(path):
    def mutate(data):
        *parents, last = path
        target = data
        for key in parents:
            target = target[key]
        del target[last]
        return data

    return mutate


BAD_JSON = [
    ("not an object", lambda d: [d], "input must be a JSON object"),
    ("missing matter", _delete(["matter"]), "missing key 'matter'"),
    ("missing units", _delete(["units"]), "missing key 'units'"),
    ("missing ballots", _delete(["ballots"]), "missing key 'ballots'"),
    ("unknown top key", _set(["ballot"], []), "unknown key 'ballot'"),
    ("matter 0", _set(["matter"], 0), "unknown matter 0"),
    ("matter 10", _set(["matter"], 10), "unknown matter 10"),
    ("matter string", _set(["matter"], "1"), "unknown matter '1'"),
    ("matter float", _set(["matter"], 1.0), "unknown matter 1.0"),
    ("matter bool", _set(["matter"], True), "unknown matter True"),
    ("units not list", _set(["units"], {}), "units must be a list"),
    ("ballots not list", _set(["ballots"], "P1"), "ballots must be a list"),
    ("unit not object", _set(["units", 0], "1-101"), r"units\[0\] must be an object"),
    ("unit missing area", _delete(["units", 1, "area"]), r"units\[1\] is missing key 'area'"),
    ("unit missing party", _delete(["units", 0, "party"]), "missing key 'party'"),
    ("unit missing code", _delete(["units", 0, "unit"]), "missing key 'unit'"),
    ("unit unknown key", _set(["units", 0, "owner"], "x"), "unknown key 'owner'"),
    ("unit code not str", _set(["units", 0, "unit"], 101), r"units\[0\].unit must be a non-empty"),
    ("unit code empty", _set(["units", 0, "unit"], ""), r"units\[0\].unit must be a non-empty"),
    ("party empty", _set(["units", 2, "party"], ""), r"units\[2\].party must be a non-empty"),
    ("area float", _set(["units", 0, "area"], 98.12), "not a JSON number"),
    ("area int", _set(["units", 0, "area"], 98), "not a JSON number"),
    ("area null", _set(["units", 0, "area"], None), r"units\[0\].area must be a non-empty"),
    ("area negative", _set(["units", 3, "area"], "-60.5"), r"units\[3\]: negative area"),
    ("area 3 decimals", _set(["units", 0, "area"], "98.123"), "malformed area '98.123'"),
    ("area exponent", _set(["units", 0, "area"], "1e2"), "malformed area '1e2'"),
    ("area NaN", _set(["units", 0, "area"], "NaN"), "malformed area 'NaN'"),
    ("area blank", _set(["units", 0, "area"], " "), "malformed area ' '"),
    ("duplicate unit", _set(["units", 1, "unit"], "1-101"), "duplicate unit code '1-101'"),
    ("ballot not object", _set(["ballots", 0], "P1"), r"ballots\[0\] must be an object"),
    ("ballot missing choice", _delete(["ballots", 0, "choice"]), "missing key 'choice'"),
    ("ballot unknown key", _set(["ballots", 0, "time"], "t"), "unknown key 'time'"),
    ("ballot party not str", _set(["ballots", 0, "party"], 1), r"ballots\[0\].party must be"),
    ("ballot unknown party", _set(["ballots", 1, "party"], "P9"), "unknown party 'P9'"),
    ("party votes twice", _set(["ballots", 1, "party"], "P1"), r"ballots\[1\]: party 'P1' votes"),
    ("unknown choice", _set(["ballots", 0, "choice"], "yes"), "unknown choice 'yes'"),
    ("choice upper case", _set(["ballots", 0, "choice"], "AGREE"), "unknown choice 'AGREE'"),
    ("choice not str", _set(["ballots", 0, "choice"], 1), r"ballots\[0\].choice must be"),
]


@pytest.mark.parametrize(
    ("mutate", "message"), [c[1:] for c in BAD_JSON], ids=[c[0] for c in BAD_JSON]
)
def test_tally_json_rejects_bad_input(mutate, message):
    """Bad input raises TallyInputError with one English line naming the problem."""
    with pytest.raises(TallyInputError, match=message) as excinfo:
        tally_json(mutate(sample()))
    assert "\n" not in str(excinfo.value)


def test_error_message_stays_one_line_for_hostile_values():
    """User values are shown by a short repr: newlines are escaped, long values cut."""
    data = sample()
    data["ballots"][0]["party"] = "x\n" * 100
    with pytest.raises(TallyInputError) as excinfo:
        tally_json(data)
    assert "\n" not in str(excinfo.value)
    assert len(str(excinfo.value)) < 120


def test_cli_reads_file_and_prints_result(tmp_path, capsys):
    """`python -m voting.tally FILE` prints the tally_json result."""
    path = tmp_path / "vote.json"
    path.write_text(json.dumps(sample()), encoding="utf-8")
    assert tally_module.main([str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == tally_json(sample())


def test_cli_reports_bad_input_with_exit_code_2(tmp_path, capsys):
    """The CLI turns TallyInputError and malformed JSON into one error line and exit code 2."""
    path = tmp_path / "vote.json"
    path.write_text('{"matter": 11, "units": [], "ballots": []}', encoding="utf-8")
    assert tally_module.main([str(path)]) == 2
    assert capsys.readouterr().err == "error: unknown matter 11 (expected an integer 1..9)\n"
    path.write_text("{", encoding="utf-8")
    assert tally_module.main([str(path)]) == 2


# --- properties -----------------------------------------------------------------------

areas_st = st.integers(min_value=0, max_value=10**7)
choice_st = st.sampled_from([None, AGREE, OPPOSE, ABSTAIN])


@st.composite
def votes(draw, max_parties=25):
    """(matter, electorate, ballots): random parties, about 3/4 of them voting."""
    n = draw(st.integers(0, max_parties))
    electorate = {f"P{i}": draw(areas_st) for i in range(n)}
    ballots = {}
    for party in electorate:
        choice = draw(choice_st)
        if choice is not None:
            ballots[party] = choice
    return draw(st.sampled_from(MATTERS)), electorate, ballots


def reference(matter, electorate, ballots):
    """An independent oracle with exact fractions, written straight from Art. 278."""
    total_heads, total_area = len(electorate), sum(electorate.values())
    part = list(ballots)
    agree = [p for p in part if ballots[p] == AGREE]
    part_area = sum(electorate[p] for p in part)
    agree_area = sum(electorate[p] for p in agree)
    if not (total_heads and total_area and part):
        return Outcome.INVALID
    if Fraction(part_area, total_area) < Fraction(2, 3):
        return Outcome.INVALID
    if Fraction(len(part), total_heads) < Fraction(2, 3):
        return Outcome.INVALID
    share_area, share_heads = Fraction(agree_area, part_area), Fraction(len(agree), len(part))
    if matter in (6, 7, 8):
        ok = share_area >= Fraction(3, 4) and share_heads >= Fraction(3, 4)
    else:
        ok = share_area > Fraction(1, 2) and share_heads > Fraction(1, 2)
    return Outcome.PASSED if ok else Outcome.FAILED


@given(votes())
def test_property_matches_fraction_oracle(vote):
    """The integer cross-multiplication equals exact rational thresholds (Art. 278, 1259)."""
    assert tally(*vote).outcome is reference(*vote)


@given(votes())
def test_property_choices_sum_to_participating(vote):
    """agree + oppose + abstain == participating; participating = the parties that voted."""
    _, electorate, ballots = vote
    result = tally(*vote)
    assert result.agree + result.oppose + result.abstain == result.participating
    assert result.participating == Weight(len(ballots), sum(electorate[p] for p in ballots))
    assert result.total == Weight(len(electorate), sum(electorate.values()))


@given(votes())
def test_property_outcome_is_consistent_with_flags(vote):
    """invalid <=> participation not met; passed <=> approved."""
    result = tally(*vote)
    assert (result.outcome is Outcome.INVALID) == (not result.participation_met)
    assert (result.outcome is Outcome.PASSED) == result.approved


@given(votes(), st.randoms(use_true_random=False))
def test_property_invariant_under_party_relabelling(vote, rnd):
    """Counting depends only on weights, not on party names or their order."""
    matter, electorate, ballots = vote
    names = list(electorate)
    new_names = [f"Q{i}" for i in range(len(names))]
    rnd.shuffle(new_names)
    rename = dict(zip(names, new_names, strict=True))
    order = list(electorate.items())
    rnd.shuffle(order)
    relabelled = {rename[p]: a for p, a in order}
    assert tally(matter, relabelled, {rename[p]: c for p, c in ballots.items()}) == tally(*vote)


@given(votes(), st.data())
def test_property_switching_a_ballot_to_agree_never_undoes_a_pass(vote, data):
    """Monotonicity at fixed participation: more agreement never turns passed into failed."""
    matter, electorate, ballots = vote
    others = sorted(p for p, c in ballots.items() if c != AGREE)
    before = tally(*vote)
    if not others or not before.approved:
        return
    party = data.draw(st.sampled_from(others))
    after = tally(matter, electorate, {**ballots, party: AGREE})
    assert after.participating == before.participating
    assert after.approved


@given(votes(), st.data())
def test_property_a_new_agree_ballot_never_undoes_a_pass(vote, data):
    """A non-voter joining with agree raises participation and agreement: a pass stays."""
    matter, electorate, ballots = vote
    non_voters = sorted(set(electorate) - set(ballots))
    if not non_voters or not tally(*vote).approved:
        return
    party = data.draw(st.sampled_from(non_voters))
    assert tally(matter, electorate, {**ballots, party: AGREE}).approved


@given(votes())
def test_property_special_pass_implies_ordinary_pass(vote):
    """3/4 "以上" of a positive participation is more than half: special => ordinary."""
    _, electorate, ballots = vote
    if tally(6, electorate, ballots).approved:
        assert tally(1, electorate, ballots).approved


@given(votes())
def test_property_ordinary_majority_is_exclusive(vote):
    """ "过半数" is strict: agree and oppose cannot both win an ordinary vote."""
    _, electorate, ballots = vote
    swap = {AGREE: OPPOSE, OPPOSE: AGREE, ABSTAIN: ABSTAIN}
    swapped = {p: swap[c] for p, c in ballots.items()}
    assert not (tally(1, electorate, ballots).approved and tally(1, electorate, swapped).approved)


@given(st.lists(st.tuples(st.sampled_from("ABCDE"), areas_st)))
def test_property_party_areas_preserves_total(units):
    """SPC Art. 8: summing per party keeps the estate total; heads = distinct parties."""
    areas = party_areas(units)
    assert sum(areas.values()) == sum(a for _, a in units)
    assert set(areas) == {p for p, _ in units}
    assert party_areas(reversed(units)) == areas


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_property_area_format_parse_round_trip(centi):
    """format_area and parse_area are exact inverses on the valid range."""
    text = format_area(centi)
    assert text[-3] == "." and len(text.split(".")[1]) == 2
    assert parse_area(text) == centi


@given(votes(max_parties=10), st.data())
def test_property_tally_json_agrees_with_tally(vote, data):
    """The JSON contract counts exactly like tally() over party_areas of the units."""
    matter, electorate, ballots = vote
    units = []
    for party, area in electorate.items():
        parts = data.draw(st.integers(1, 3))
        shares = [area // parts] * (parts - 1)
        shares.append(area - sum(shares))
        units += [
            {"unit": f"{party}-{i}", "area": format_area(s), "party": party}
            for i, s in enumerate(shares)
        ]
    doc = {
        "matter": matter,
        "units": units,
        "ballots": [{"party": p, "choice": str(c)} for p, c in ballots.items()],
    }
    assert tally_json(doc) == result_to_json(tally(*vote))


def test_result_is_frozen():
    """A counted result cannot be changed after the fact."""
    result = tally(1, {"A": 100}, {"A": AGREE})
    assert isinstance(result, TallyResult)
    with pytest.raises(AttributeError):
        result.outcome = Outcome.FAILED


def test_count_choices_sums_heads_and_area_per_choice():
    """One head per counted ballot whatever the party's units (SPC interpretation Art. 9), its
    area once; the one sum the tally, the count of sealed ballots and the verifier share."""
    agree, oppose, abstain = tally_module.count_choices(
        [("agree", 10000), ("oppose", 9812), ("agree", 30000), ("abstain", 0)]
    )
    assert (agree, oppose, abstain) == (
        Weight(2, 40000),
        Weight(1, 9812),
        Weight(1, 0),
    )
    assert tally_module.count_choices([]) == (Weight(0, 0),) * 3


def test_count_choices_refuses_an_unknown_choice():
    with pytest.raises(TallyInputError, match="unknown choice"):
        tally_module.count_choices([("agree", 100), ("yes", 100)])


@given(st.lists(st.tuples(st.sampled_from(["agree", "oppose", "abstain"]), st.integers(0, 10**9))))
def test_count_choices_adds_up(counted):
    """The three sums add up to the participation: every counted ballot once, nothing lost."""
    total = sum(tally_module.count_choices(counted), Weight(0, 0))
    assert total == Weight(len(counted), sum(a for _, a in counted))


def test_result_carries_each_condition_it_tested():
    """Civil Code Art. 278 para. 2: the four conditions, in order, with the thresholds used
    (participation >= 2/3; ordinary approval > 1/2, strict); the outcome follows from them."""
    result = tally_module.tally_counts(
        1, Weight(6, 60000), Weight(2, 20000), Weight(1, 10000), Weight(1, 10000)
    )
    got = [(c.name, c.value, c.of, c.num, c.den, c.strict, c.met) for c in result.conditions]
    assert got == [
        ("participation_heads", 4, 6, 2, 3, False, True),
        ("participation_area", 40000, 60000, 2, 3, False, True),
        ("approval_heads", 2, 4, 1, 2, True, False),  # exactly half is not more than half
        ("approval_area", 20000, 40000, 1, 2, True, False),
    ]
    assert result.participation_met and not result.approved


def test_special_matter_conditions_use_three_quarters_inclusive():
    result = tally_module.tally_counts(
        7, Weight(4, 40000), Weight(3, 30000), Weight(1, 10000), Weight(0, 0)
    )
    approval = [(c.num, c.den, c.strict, c.met) for c in result.conditions[2:]]
    assert approval == [(3, 4, False, True), (3, 4, False, True)]
    assert result.approved


def test_no_participant_meets_no_condition():
    result = tally_module.tally_counts(1, Weight(3, 300), ZERO, ZERO, ZERO)
    assert [c.met for c in result.conditions] == [False] * 4
    assert result.outcome == Outcome.INVALID


@given(
    st.sampled_from(range(1, 10)),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(0, 5),
)
def test_stored_result_gives_back_the_same_conditions(matter, a, o, b, absent):
    """``result_from_json`` (what the result page and PDF render) returns exactly the
    conditions and decision of the count that stored the result."""
    agree, oppose, abstain = Weight(a, a * 1000), Weight(o, o * 1500), Weight(b, b * 700)
    total = agree + oppose + abstain + Weight(absent, absent * 900)
    result = tally_module.tally_counts(matter, total, agree, oppose, abstain)
    again = tally_module.result_from_json(tally_module.result_to_json(result))
    assert again == result
    assert result.participation_met == all(c.met for c in result.conditions[:2])
    assert result.approved == all(c.met for c in result.conditions)
