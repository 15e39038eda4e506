"""voting.presentation renders the conditions the tally tested (issue 20: render, don't
re-derive): one line per ``TallyResult.conditions`` entry, its threshold and whether it was met."""

from voting import tally
from voting.presentation import result_lines


def test_lines_are_the_tally_conditions():
    result = tally.tally_counts(
        6,
        tally.Weight(6, 60000),
        tally.Weight(3, 40000),
        tally.Weight(1, 5000),
        tally.Weight(0, 0),
    )
    lines = result_lines(tally.result_to_json(result))
    assert [(ln.value, ln.of, ln.threshold, ln.met, ln.unit) for ln in lines] == [
        ("4", "6", "≥ 2/3", True, ""),
        ("450.00", "600.00", "≥ 2/3", True, "m²"),
        ("3", "4", "≥ 3/4", True, ""),
        ("400.00", "450.00", "≥ 3/4", True, "m²"),
    ]
    assert [ln.met for ln in lines] == [c.met for c in result.conditions]
    assert lines[0].percent == "66.7%"


def test_ordinary_majority_is_strict_and_shown_so():
    result = tally.tally_counts(
        1, tally.Weight(2, 200), tally.Weight(1, 100), tally.Weight(1, 100), tally.Weight(0, 0)
    )
    lines = result_lines(tally.result_to_json(result))
    assert [ln.threshold for ln in lines[2:]] == ["> 1/2", "> 1/2"]
    assert [ln.met for ln in lines] == [True, True, False, False]
