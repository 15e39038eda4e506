"""The complaint rules (property/credit/complaints.py): pure, no database.

DOMAIN.md §3 "Complaints": configurable rules turn a quarter's tickets into proposed good or bad
records; each test names the boundary it checks."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from property.credit.complaints import (
    ComplaintRuleError,
    Rule,
    Ticket,
    evaluate,
    handled_in_time,
    per_thousand_units,
    quarter_bounds,
    quarter_figures,
)

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 7, 1, 9, 0, tzinfo=TZ)
AS_OF = datetime(2026, 10, 15, 9, 0, tzinfo=TZ)


def ticket(n, *, days=1, result="resolved", category="电梯", sat="satisfied", at=START, **kw):
    closed = at + timedelta(days=days) if days is not None else None
    return Ticket(
        number=f"T{n}",
        company=kw.get("company", "c1"),
        estate=kw.get("estate", "e1"),
        category=category,
        received=at,
        closed=closed,
        result=result if closed else "",
        satisfaction=sat if closed else "",
    )


OVERDUE = Rule(key="late", trigger="overdue", item="B-LATE", deadline_days=15, count=1)
REPEATED = Rule(key="rep", trigger="repeated", item="B-REP", count=3)
CLEAN = Rule(key="clean", trigger="clean_quarter", item="G-CLEAN", deadline_days=15, count=1)


def run(tickets, *rules, as_of=AS_OF):
    return evaluate(tickets, rules, year=2026, quarter=3, as_of=as_of)


def test_closed_exactly_at_the_deadline_is_in_time():
    """ "Within 15 days" includes the 15th day to the minute; one minute more is late."""
    on_time = ticket(1, days=15)
    late = Ticket(
        **{**on_time.__dict__, "number": "T2", "closed": START + timedelta(days=15, minutes=1)}
    )
    assert handled_in_time(on_time, 15)
    assert not handled_in_time(late, 15)
    assert run([on_time], OVERDUE) == []
    [p] = run([late], OVERDUE)
    assert p.tickets == ("T2",) and p.kind == "bad" and p.item == "B-LATE"


def test_open_ticket_counts_only_once_its_deadline_passed_on_as_of():
    """An open ticket is unresolved after the deadline only when as_of is past it."""
    open_ticket = ticket(1, days=None, at=datetime(2026, 9, 25, 9, 0, tzinfo=TZ))
    assert run([open_ticket], OVERDUE, as_of=datetime(2026, 10, 10, 9, 0, tzinfo=TZ)) == []
    assert len(run([open_ticket], OVERDUE, as_of=datetime(2026, 10, 10, 9, 1, tzinfo=TZ))) == 1


def test_unsubstantiated_never_counts_and_unresolved_always_does():
    """不属实 is not the company's fault; 未解决 is not handled even if closed at once."""
    assert run([ticket(1, days=30, result="unsubstantiated")], OVERDUE) == []
    assert len(run([ticket(1, days=1, result="unresolved")], OVERDUE)) == 1


def test_overdue_count_threshold():
    rule = Rule(key="late2", trigger="overdue", item="B", count=2)
    assert run([ticket(1, days=20)], rule) == []
    assert len(run([ticket(1, days=20), ticket(2, days=20)], rule)) == 1


def test_three_substantiated_of_one_kind_in_a_quarter():
    """Three substantiated tickets of one category propose a record; two do not, nor do three
    spread over categories, nor an unsubstantiated third."""
    two = [ticket(1), ticket(2, result="unresolved")]
    assert run(two, REPEATED) == []
    assert run([*two, ticket(3, category="卫生")], REPEATED) == []
    assert run([*two, ticket(3, result="unsubstantiated")], REPEATED) == []
    [p] = run([*two, ticket(3)], REPEATED)
    assert p.category == "电梯" and p.tickets == ("T1", "T2", "T3")


def test_tickets_outside_the_quarter_or_without_estate_are_ignored():
    first, last = quarter_bounds(2026, 3)
    before = ticket(1, at=datetime(2026, 6, 30, 23, 59, tzinfo=TZ))
    after = ticket(2, at=datetime(2026, 10, 1, 0, 0, tzinfo=TZ))
    inside = [
        ticket(3, at=datetime(2026, 9, 30, 23, 59, tzinfo=TZ)),
        ticket(4),
        ticket(5, estate=""),
    ]
    assert (first.isoformat(), last.isoformat()) == ("2026-07-01", "2026-09-30")
    two = Rule(key="two", trigger="repeated", item="B", count=2)
    [p] = run([before, after, *inside], two)
    assert p.tickets == ("T3", "T4")
    assert run([before, after, inside[0], inside[2]], two) == []


def test_groups_are_per_company_and_estate():
    tickets = [ticket(n, estate=f"e{n % 2}") for n in range(6)]
    proposals = run(tickets, REPEATED)
    assert [(p.estate, len(p.tickets)) for p in proposals] == [("e0", 3), ("e1", 3)]


def test_good_quarter_needs_every_ticket_in_time_and_satisfied_callers():
    good = [ticket(1), ticket(2, sat="")]  # one caller did not answer: not against it
    [p] = run(good, CLEAN)
    assert p.kind == "good" and all(c.met for c in p.conditions)
    assert run([*good, ticket(3, days=16)], CLEAN) == []
    assert run([*good, ticket(3, sat="dissatisfied")], CLEAN) == []
    half = Rule(key="half", trigger="clean_quarter", item="G", min_satisfied=Decimal("0.5"))
    assert len(run([ticket(1), ticket(2, sat="dissatisfied")], half)) == 1
    assert (
        run([ticket(1), ticket(2, sat="dissatisfied"), ticket(3, sat="dissatisfied")], half) == []
    )


def test_category_filter():
    lifts = Rule(key="lift", trigger="overdue", item="B", categories=frozenset({"电梯"}))
    assert run([ticket(1, days=30, category="卫生")], lifts) == []
    assert len(run([ticket(1, days=30, category="电梯")], lifts)) == 1


def test_bad_input_is_refused():
    with pytest.raises(ComplaintRuleError):
        Rule(key="x", trigger="nope", item="B")
    with pytest.raises(ComplaintRuleError):
        Rule(key="x", trigger="overdue", item="B", count=0)
    with pytest.raises(ComplaintRuleError):
        Ticket(number="x", company="c", estate="e", category="c", received=START,
               closed=START - timedelta(seconds=1), result="resolved")  # fmt: skip
    with pytest.raises(ComplaintRuleError):
        quarter_bounds(2026, 5)


def test_figures_and_density():
    figures = quarter_figures([ticket(1), ticket(2, days=20, sat="dissatisfied")], deadline_days=15)
    [q] = figures
    assert (q.tickets, q.substantiated, q.in_time, q.answered, q.satisfied) == (2, 2, 1, 2, 1)
    assert q.satisfied_share == "0.50"
    assert per_thousand_units(3, 600) == Decimal("5.00")
    assert per_thousand_units(1, 3) == Decimal("333.33")
    assert per_thousand_units(1, 0) is None


@given(
    st.lists(
        st.tuples(
            st.integers(0, 40), st.sampled_from(["resolved", "unresolved", "unsubstantiated"])
        ),
        max_size=12,
    ),
    st.integers(1, 5),
)
def test_overdue_proposes_exactly_when_failures_reach_the_count(specs, count):
    """Property: the overdue rule proposes iff the tickets not handled in time (excluding
    unsubstantiated) number at least ``count``, and then lists exactly those."""
    tickets = [ticket(n, days=d, result=r) for n, (d, r) in enumerate(specs)]
    failing = {
        t.number
        for t in tickets
        if t.result != "unsubstantiated"
        and (t.result == "unresolved" or t.closed - t.received > timedelta(days=15))
    }
    rule = Rule(key="k", trigger="overdue", item="B", count=count)
    proposals = run(tickets, rule)
    if len(failing) >= count:
        assert len(proposals) == 1 and set(proposals[0].tickets) == failing
    else:
        assert proposals == []
