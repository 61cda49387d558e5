"""Tests of roll-up arithmetic and the commitment state machine (pure, no Django)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reef.planning.rollup import (
    TRANSITIONS,
    ActorSide,
    CommitmentItem,
    CommitmentStatus,
    IllegalTransition,
    MissingRate,
    Money,
    NeedItem,
    RateTable,
    StatusChange,
    TransitionNotPermitted,
    allowed_targets,
    check_transition,
    progress_series,
    roll_up,
)

S = CommitmentStatus
D = Decimal
RATES = RateTable("USD", {"EUR": D("1.10"), "XCD": D("0.37"), "TTD": D("0.1475")})


def usd(amount: str) -> Money:
    return Money(D(amount), "USD")


NEEDS = [
    NeedItem("n1", "awareness", "GD", usd("10000")),
    NeedItem("n2", "awareness", "LC", Money(D("27000"), "XCD")),  # 9990 USD
    NeedItem("n3", "legal", "GD", usd("5000")),
    NeedItem("n4", "legal", None, None),  # regional need, cost not estimated
]


def test_coverage_and_gap() -> None:
    commitments = [
        CommitmentItem("c1", "n1", S.ACCEPTED, usd("4000")),
        CommitmentItem("c2", "n1", S.DELIVERED, Money(D("2000"), "EUR")),  # 2200 USD
        CommitmentItem("c3", "n1", S.OFFERED, usd("99999")),  # offers do not count
        CommitmentItem("c4", "n2", S.WITHDRAWN, usd("9990")),  # nor withdrawn ones
        CommitmentItem("c5", "n3", S.VERIFIED, usd("8000")),  # overfunded
        CommitmentItem("c6", "n4", S.IN_PROGRESS, None),  # in kind: covers, no money
    ]
    result = roll_up(NEEDS, commitments, RATES)
    assert result.currency == "USD"
    n1 = result.by_need["n1"]
    assert n1.covered and n1.committed == D("6200.00") and n1.gap == D("3800.00")
    assert not result.by_need["n2"].covered and result.by_need["n2"].gap == D("9990.00")
    assert result.by_need["n3"].gap == D("0.00")  # max(0, ...)
    assert result.by_need["n4"].covered and result.by_need["n4"].gap is None

    region = result.region
    assert (region.needs, region.covered_needs, region.coverage) == (4, 3, D("0.7500"))
    # Overfunding of n3 (3000 above cost) does not hide the gaps of n1 and n2.
    assert region.gap == D("13790.00")
    assert region.cost == D("24990.00") and region.needs_without_cost == 1
    assert region.committed == D("14200.00")

    assert result.by_area["awareness"].coverage == D("0.5000")
    assert result.by_area["legal"].gap == D("0.00")
    assert result.by_country["GD"].gap == D("3800.00")
    assert result.by_country[None].needs == 1  # regional needs have their own row
    assert list(result.by_area) == ["awareness", "legal"]


def test_money_is_decimal_and_rounding_is_at_the_end() -> None:
    needs = [NeedItem("n", "a", "TT", usd("1.00"))]
    # Three thirds of a cent each would vanish if every amount were rounded first.
    commitments = [
        CommitmentItem(f"c{i}", "n", S.ACCEPTED, Money(D("0.0226"), "TTD")) for i in range(3)
    ]
    result = roll_up(needs, commitments, RATES)
    assert result.by_need["n"].committed == D("0.01")  # 3 * 0.0226 * 0.1475 = 0.0100005
    assert result.by_need["n"].gap == D("0.99")
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(D("-1"), "USD")
    with pytest.raises(ValueError):
        Money(D("NaN"), "USD")
    with pytest.raises(ValueError):
        Money(D("1"), "usd")
    with pytest.raises(ValueError):
        RateTable("USD", {"EUR": D("0")})


def test_missing_rate_and_bad_references() -> None:
    with pytest.raises(MissingRate, match="GBP"):
        roll_up([NeedItem("n", "a", "BB", Money(D("1"), "GBP"))], [], RATES)
    with pytest.raises(ValueError, match="unknown need"):
        roll_up(NEEDS, [CommitmentItem("c", "nope", S.ACCEPTED, None)], RATES)
    with pytest.raises(ValueError, match="unique"):
        roll_up([NEEDS[0], NEEDS[0]], [], RATES)


def test_empty_plan() -> None:
    result = roll_up([], [], RATES)
    assert result.region.needs == 0 and result.region.coverage == D(0)
    assert result.by_area == {} and result.by_country == {}


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)


@given(
    st.lists(st.tuples(amounts, st.sampled_from(["USD", "EUR", "XCD"])), min_size=1, max_size=8),
    st.lists(
        st.tuples(st.integers(0, 7), amounts, st.sampled_from(list(CommitmentStatus))), max_size=20
    ),
)
def test_gap_properties(
    costs: list[tuple[Decimal, str]], commits: list[tuple[int, Decimal, CommitmentStatus]]
) -> None:
    needs = [NeedItem(f"n{i}", f"a{i % 2}", "GD", Money(a, c)) for i, (a, c) in enumerate(costs)]
    items = [
        CommitmentItem(f"c{k}", f"n{i % len(needs)}", s, usd(str(a)))
        for k, (i, a, s) in enumerate(commits)
    ]
    result = roll_up(needs, items, RATES)
    for need in result.by_need.values():
        assert need.gap is not None and D(0) <= need.gap <= need.cost  # type: ignore[operator]
    assert result.region.gap == sum(g.gap for g in result.by_area.values())
    assert result.region.gap == sum(n.gap for n in result.by_need.values())  # type: ignore[misc]
    assert D(0) <= result.region.coverage <= D(1)


def test_progress_series() -> None:
    needs = NEEDS[:3]
    commitments = [
        CommitmentItem("c1", "n1", S.OFFERED, usd("4000")),
        CommitmentItem("c2", "n3", S.OFFERED, usd("5000")),
    ]
    changes = [
        StatusChange("c1", S.OFFERED, date(2026, 1, 10)),
        StatusChange("c1", S.ACCEPTED, date(2026, 2, 1)),
        StatusChange("c2", S.OFFERED, date(2026, 2, 1)),
        StatusChange("c2", S.ACCEPTED, date(2026, 3, 1)),
        StatusChange("c2", S.IN_PROGRESS, date(2026, 3, 15)),
        StatusChange("c2", S.DELIVERED, date(2026, 5, 1)),
        StatusChange("c1", S.WITHDRAWN, date(2026, 6, 1)),
    ]
    series = progress_series(needs, commitments, changes, RATES)
    assert [p.at for p in series] == [
        date(2026, 1, 10),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 3, 15),
        date(2026, 5, 1),
        date(2026, 6, 1),
    ]
    assert [p.covered_needs for p in series] == [0, 1, 2, 2, 2, 1]
    assert [p.committed for p in series] == [
        D(0),
        D("4000.00"),
        D("9000.00"),
        D("9000.00"),
        D("9000.00"),
        D("5000.00"),
    ]
    assert [p.delivered for p in series] == [D(0)] * 4 + [D("5000.00")] * 2
    assert series[-1].gap == D("19990.00")
    assert series[2].status_counts[S.ACCEPTED] == 2
    explicit = progress_series(needs, commitments, changes, RATES, [date(2025, 12, 31)])
    assert explicit[0].covered_needs == 0 and explicit[0].status_counts[S.OFFERED] == 0
    with pytest.raises(ValueError, match="unknown commitment"):
        progress_series(needs, commitments, [StatusChange("x", S.OFFERED, date(2026, 1, 1))], RATES)


# --- state machine ------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "side"),
    [
        ("offered", "accepted", "beneficiary"),
        ("offered", "withdrawn", "pledger"),
        ("offered", "withdrawn", "beneficiary"),
        ("accepted", "in_progress", "pledger"),
        ("accepted", "withdrawn", "pledger"),
        ("in_progress", "delivered", "pledger"),
        ("in_progress", "withdrawn", "beneficiary"),
        ("delivered", "verified", "beneficiary"),
    ],
)
def test_allowed_transitions(current: str, target: str, side: str) -> None:
    check_transition(current, target, side)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("offered", "delivered"),
        ("accepted", "offered"),
        ("delivered", "withdrawn"),
        ("verified", "delivered"),
        ("withdrawn", "accepted"),
        ("offered", "offered"),
    ],
)
def test_illegal_transitions(current: str, target: str) -> None:
    for side in ActorSide:
        with pytest.raises(IllegalTransition, match=f"cannot go from {current} to {target}"):
            check_transition(current, target, side)


def test_wrong_side() -> None:
    with pytest.raises(TransitionNotPermitted, match="only the beneficiary may"):
        check_transition("offered", "accepted", "pledger")
    with pytest.raises(TransitionNotPermitted, match="only the beneficiary"):
        check_transition("delivered", "verified", ActorSide.PLEDGER)  # no self-verification
    with pytest.raises(TransitionNotPermitted, match="only the pledger"):
        check_transition("in_progress", "delivered", "beneficiary")


def test_unknown_values_and_final_states() -> None:
    with pytest.raises(IllegalTransition, match="unknown status 'done'"):
        check_transition("offered", "done", "pledger")
    with pytest.raises(IllegalTransition, match="unknown actor side"):
        check_transition("offered", "accepted", "donor")
    with pytest.raises(IllegalTransition, match="final status"):
        check_transition("verified", "accepted", "beneficiary")
    assert allowed_targets("verified") == [] and allowed_targets("withdrawn") == []
    assert allowed_targets("offered", "pledger") == [S.WITHDRAWN]
    assert allowed_targets("offered") == [S.ACCEPTED, S.WITHDRAWN]


def test_every_status_reachable_from_offered() -> None:
    reached, frontier = {S.OFFERED}, [S.OFFERED]
    while frontier:
        current = frontier.pop()
        for source, target in TRANSITIONS:
            if source == current and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(CommitmentStatus)
