"""The matching engine's reviewer assignment (pure Python: run with `pytest -p no:django`)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from reef.experts.matching import MatchingInputError, integer_scale, match_reviewers
from reef.experts.tests.matching_cases import (
    SOLVERS,
    brute_force,
    check_feasible,
    reviewers_input,
)


@pytest.mark.parametrize("solver", SOLVERS)
def test_hand_checked_optimum(solver: str) -> None:
    # Greedy would give p0 the 0.9 reviewer and leave p1 with 0.1 (total 1.0);
    # the optimum crosses over: 0.8 + 0.7 = 1.5.
    data = reviewers_input([[0.9, 0.8], [0.7, 0.1]], needs=[1, 1], loads=[1, 1])
    out = match_reviewers(data, solver=solver)  # type: ignore[arg-type]
    assert out["total"] == pytest.approx(1.5)
    assert {(a["proposal"], a["reviewer"]) for a in out["assignment"]} == {
        ("p0", "r1"),
        ("p1", "r0"),
    }
    assert out["unfilled"] == []
    assert out["min_proposal_score"] == pytest.approx(0.7)


@pytest.mark.parametrize("solver", SOLVERS)
def test_conflicts_loads_and_unfilled(solver: str) -> None:
    data = reviewers_input(
        [[0.9, 0.5, 0.4], [0.8, 0.3, 0.2]],
        needs=[2, 2],
        loads=[1, 1, 1],
        conflicts=[{"proposal": "p0", "reviewer": "r0"}],
    )
    out = match_reviewers(data, solver=solver)  # type: ignore[arg-type]
    check_feasible(data, out)
    assert len(out["assignment"]) == 3  # supply is 3 for a demand of 4
    assert len(out["unfilled"]) == 1
    assert out["total"] == pytest.approx(0.8 + 0.5 + 0.4)  # r0 goes to p1


def test_fill_takes_priority_over_affinity() -> None:
    # Assigning the negative pair is the only way to fill p1.
    data = reviewers_input([[1.0, -0.5], [2.0, 0.0]], needs=[1, 1], loads=[1, 1])
    data["conflicts"] = [{"proposal": "p1", "reviewer": "r1"}]
    out = match_reviewers(data)
    assert out["unfilled"] == []
    assert out["total"] == pytest.approx(1.5)


def test_fair_raises_minimum() -> None:
    # Total: r0,r1 both want p0 strongly. Fair moves one to p1.
    scores = [[1.0, 1.0, 0.2, 0.2], [0.3, 0.3, 0.05, 0.05]]
    base = reviewers_input(scores, needs=[2, 2], loads=[1, 1, 1, 1])
    total = match_reviewers(base)
    fair = match_reviewers({**base, "objective": "fair"})
    check_feasible(base, fair)
    assert fair["min_proposal_score"] > total["min_proposal_score"]
    assert fair["total"] <= total["total"] + 1e-9
    assert fair["optimal"] is True
    # By hand: total gives p0 {r0, r1} = 2.0 and p1 {r2, r3} = 0.1. The best
    # floor is p0 {r2, r3} = 0.4 with p1 {r0, r1} = 0.6 (splitting r0/r1 gives
    # p1 at most 0.35).
    assert total["min_proposal_score"] == pytest.approx(0.1)
    assert fair["min_proposal_score"] == pytest.approx(0.4)
    assert fair["total"] == pytest.approx(1.0)


@pytest.mark.parametrize("objective", ["total", "fair"])
def test_decline_reassigns(objective: str) -> None:
    data = reviewers_input(
        [[0.9, 0.6, 0.5], [0.4, 0.7, 0.1]], needs=[1, 1], loads=[1, 1, 1], objective=objective
    )
    first = match_reviewers(data)
    assert ("p0", "r0") in {(a["proposal"], a["reviewer"]) for a in first["assignment"]}
    again = match_reviewers(
        {
            **data,
            "fixed": [{"proposal": "p1", "reviewer": "r1"}],
            "declined": [{"proposal": "p0", "reviewer": "r0"}],
        }
    )
    pairs = {(a["proposal"], a["reviewer"]) for a in again["assignment"]}
    assert ("p1", "r1") in pairs
    assert ("p0", "r0") not in pairs
    assert ("p0", "r2") in pairs
    check_feasible({**data, "declined": [{"proposal": "p0", "reviewer": "r0"}]}, again)


def test_affinity_from_texts() -> None:
    data = {
        "proposals": [
            {"id": "a", "text": "malware forensics incident response", "needs": 1},
            {"id": "b", "text": "cybercrime legislation prosecution judges", "needs": 1},
        ],
        "reviewers": [
            {"id": "law", "text": "prosecutor training judges on cybercrime law", "max_load": 1},
            {"id": "tech", "expertise": ["forensics", "malware analysis"], "max_load": 1},
        ],
    }
    out = match_reviewers(data)
    pairs = {(a["proposal"], a["reviewer"]) for a in out["assignment"]}
    assert pairs == {("a", "tech"), ("b", "law")}
    assert all(a["score"] > 0 for a in out["assignment"])
    bm25 = match_reviewers({**data, "affinity_method": "bm25"})
    assert {(a["proposal"], a["reviewer"]) for a in bm25["assignment"]} == pairs


def test_affinity_matrix_form_matches_records() -> None:
    scores = [[0.1, 0.5, 0.3], [0.4, 0.2, 0.6]]
    records = reviewers_input(scores, needs=[2, 1], loads=[1, 1, 1])
    dense = {k: v for k, v in records.items() if k != "affinity"}
    dense["affinity_matrix"] = scores
    assert match_reviewers(records) == match_reviewers(dense)


def test_integer_scale_is_exact_for_given_decimals() -> None:
    scaled = integer_scale(np.array([0.1234, 0.5, 1.0]), headroom=10)
    assert scaled.exact and scaled.decimals == 4
    assert scaled.costs.tolist() == [1234, 5000, 10000]
    rough = integer_scale(np.array([1 / 3]), headroom=10)
    assert not rough.exact and rough.decimals == 9


def test_integer_ids_in_records() -> None:
    # Integer ids take the type-checked fast path; `true` must not pass for 1.
    data: dict[str, Any] = {
        "proposals": [{"id": 1, "needs": 1}, {"id": "1", "needs": 1}],
        "reviewers": [{"id": 0, "max_load": 1}, {"id": 1, "max_load": 1}],
        "affinity": [
            {"proposal": 1, "reviewer": 0, "score": 0.25},
            {"proposal": "1", "reviewer": 1, "score": 0.5},
            {"proposal": "1", "reviewer": 0, "score": 1},
        ],
        "conflicts": [{"proposal": 1, "reviewer": 1}],
    }
    out = match_reviewers(data)
    assert {(a["proposal"], a["reviewer"]) for a in out["assignment"]} == {(1, 0), ("1", 1)}
    assert out["total"] == pytest.approx(0.75)
    data["affinity"][0]["proposal"] = True
    with pytest.raises(MatchingInputError, match=r"affinity\[0\].proposal"):
        match_reviewers(data)
    data["affinity"][0]["proposal"] = 1
    data["conflicts"] = [{"proposal": 1.0, "reviewer": 1}]
    with pytest.raises(MatchingInputError, match=r"conflicts\[0\].proposal"):
        match_reviewers(data)


tiny = st.integers(min_value=1, max_value=3)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n_p=tiny,
    n_r=tiny,
)
def test_total_matches_brute_force_and_lp(data: st.DataObject, n_p: int, n_r: int) -> None:
    scores = [[data.draw(st.integers(-20, 100)) / 100 for _ in range(n_r)] for _ in range(n_p)]
    needs = [data.draw(st.integers(0, 2)) for _ in range(n_p)]
    loads = [data.draw(st.integers(0, 2)) for _ in range(n_r)]
    banned = {
        (i, j) for i in range(n_p) for j in range(n_r) if data.draw(st.booleans()) and (i + j) % 2
    }
    conflicts = [{"proposal": f"p{i}", "reviewer": f"r{j}"} for i, j in banned]
    inp = reviewers_input(scores, needs, loads, conflicts=conflicts)
    count, best = brute_force(scores, needs, loads, banned)
    for solver in SOLVERS:
        out = match_reviewers(inp, solver=solver)  # type: ignore[arg-type]
        check_feasible(inp, out)
        assert len(out["assignment"]) == count
        assert out["total"] == pytest.approx(best, abs=1e-9)
    # The plain LP (no fill priority) bounds every feasible total from above; it
    # may exceed `best`, which fills as many seats as possible first (e.g. a 0.01
    # pair that blocks two 0.0 pairs), so only the bound is checked.
    if min(min(row) for row in scores) >= 0:
        pairs = [(i, j) for i in range(n_p) for j in range(n_r) if (i, j) not in banned]
        if pairs:
            a = np.zeros((n_p + n_r, len(pairs)))
            for k, (i, j) in enumerate(pairs):
                a[i, k] = a[n_p + j, k] = 1
            lp = linprog(
                [-scores[i][j] for i, j in pairs],
                A_ub=a,
                b_ub=needs + loads,
                bounds=(0, 1),
                method="highs",
            )
            assert best <= -lp.fun + 1e-9


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n_p=st.integers(1, 3), n_r=st.integers(1, 3))
def test_fair_matches_brute_force(data: st.DataObject, n_p: int, n_r: int) -> None:
    scores = [[data.draw(st.integers(0, 9)) / 10 for _ in range(n_r)] for _ in range(n_p)]
    needs = [data.draw(st.integers(1, 2)) for _ in range(n_p)]
    loads = [data.draw(st.integers(0, 2)) for _ in range(n_r)]
    inp = reviewers_input(scores, needs, loads, objective="fair")
    out = match_reviewers(inp)
    check_feasible(inp, out)
    pairs = [(i, j) for i in range(n_p) for j in range(n_r)]
    best: tuple[int, float, float] = (-1, -1.0, -1.0)
    for mask in itertools.product((0, 1), repeat=len(pairs)):
        chosen = [pq for pq, b in zip(pairs, mask, strict=True) if b]
        if any(sum(1 for i, _ in chosen if i == p) > needs[p] for p in range(n_p)):
            continue
        if any(sum(1 for _, j in chosen if j == r) > loads[r] for r in range(n_r)):
            continue
        sums = [sum(scores[i][j] for i, j in chosen if i == p) for p in range(n_p)]
        has = [any(loads[r] > 0 for r in range(n_r)) for _ in range(n_p)]
        floor = min((s for s, h in zip(sums, has, strict=True) if h), default=0.0)
        key = (len(chosen), round(floor, 9), round(sum(sums), 9))
        best = max(best, key)
    assert len(out["assignment"]) == best[0]
    assert out["min_proposal_score"] == pytest.approx(best[1], abs=1e-9)
    assert out["total"] == pytest.approx(best[2], abs=1e-9)
