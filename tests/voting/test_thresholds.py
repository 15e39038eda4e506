"""Every threshold boundary of Civil Code Art. 278 / Art. 1259 through the whole stack: registry
units → frozen electorate → sealed ballots → count from the database → stored outcome."""

import pytest

from tests.factories import add_units
from tests.voting.factories import finish, open_vote, party
from voting import services

pytestmark = pytest.mark.django_db

CASES = [
    # (areas of one-unit parties, matter, choices (None: does not vote), outcome, why)
    (["100.00"] * 3, 1, ["agree", "agree", None], "passed", "participation exactly 2/3 (以上)"),
    (["100.00"] * 3, 1, ["agree", None, None], "invalid", "participation 1/3 < 2/3"),
    (
        ["100.00", "100.00", "100.01"],
        1,
        ["agree", "agree", None],
        "invalid",
        "heads exactly 2/3 but area 0.01 m² short of 2/3",
    ),
    (
        ["100.00"] * 4,
        1,
        ["agree", "agree", "oppose", "oppose"],
        "failed",
        "agree heads exactly half",
    ),
    (["100.00"] * 4, 1, ["agree", "agree", "agree", "oppose"], "passed", "agree heads over half"),
    (
        ["100.00", "100.00", "100.00", "300.00"],
        1,
        ["agree", "agree", "agree", "oppose"],
        "failed",
        "agree area exactly half (过半数 is strict)",
    ),
    (
        ["100.00", "100.00", "100.01", "300.00"],
        1,
        ["agree", "agree", "agree", "oppose"],
        "passed",
        "agree area 0.01 m² over half",
    ),
    (["100.00"] * 3, 1, ["agree", "agree", "abstain"], "passed", "abstention participates"),
    (["100.00"] * 3, 1, ["agree", "abstain", "abstain"], "failed", "abstention does not agree"),
    (["100.00"] * 4, 6, ["agree", "agree", "agree", "oppose"], "passed", "special: exactly 3/4"),
    (["100.00"] * 4, 7, ["agree", "agree", "oppose", "oppose"], "failed", "special: 1/2 < 3/4"),
    (
        ["100.00", "100.00", "100.00", "100.01"],
        8,
        ["agree", "agree", "agree", "oppose"],
        "failed",
        "special: heads 3/4 but area 0.01 m² short",
    ),
    (
        ["100.00"] * 4,
        5,
        ["agree", "agree", "agree", "oppose"],
        "passed",
        "matter 5 (fund use) is ordinary",
    ),
]


@pytest.mark.parametrize("areas,matter,choices,outcome,why", CASES, ids=[c[4] for c in CASES])
def test_threshold(world, areas, matter, choices, outcome, why):
    estate = world.estates[0]
    add_units(estate, [(f"1-{i + 101}", a, f"P{i}") for i, a in enumerate(areas)])
    vote = open_vote(estate, matter=matter)
    for i, choice in enumerate(choices):
        if choice:
            services.ballot_cast(actor=None, vote=vote, party=party(estate, f"P{i}"), choice=choice)
    vote = finish(vote)
    assert vote.outcome == outcome, (why, vote.result)
    assert vote.result["rule"] == ("special" if matter in (6, 7, 8) else "ordinary")


def test_worked_example_of_domain(world):
    """DOMAIN.md example: 100 units × 100 m², developer 10 unsold, one owner 3 units → 89 heads,
    10,000 m²; 60 heads participating with 31 agreeing is a pass when area agrees too."""
    estate = world.estates[0]
    specs = [(f"D-{i}", "100.00", None) for i in range(10)]
    specs += [(f"M-{i}", "100.00", "Multi") for i in range(3)]
    specs += [(f"U-{i}", "100.00", f"O{i}") for i in range(87)]
    add_units(estate, specs)
    vote = open_vote(estate)
    assert (vote.total_heads, vote.total_area_centi) == (89, 1_000_000)
    # Developer (1,000 m²) and Multi (300 m²) agree with 29 single owners: 31 heads, 4,200 m².
    voters = [("开发商", "agree"), ("Multi", "agree")]
    voters += [(f"O{i}", "agree") for i in range(29)]
    voters += [(f"O{i}", "oppose") for i in range(29, 58)]  # 29 more: 60 heads, 7,100 m²
    for label, choice in voters:
        services.ballot_cast(actor=None, vote=vote, party=party(estate, label), choice=choice)
    vote = finish(vote)
    assert vote.result["participating"] == {"heads": 60, "area": "7100.00"}
    assert vote.result["agree"] == {"heads": 31, "area": "4200.00"}
    assert vote.outcome == "passed"
