"""Reviewer assignment: a min-cost flow for "total", a two-stage MILP for "fair".

"total" is OR-Tools' SimpleMinCostFlow, or SciPy/HiGHS on the totally unimodular LP when
OR-Tools is missing, exact on integer-scaled affinities. "fair" maximises the worst-served
proposal, then the total under that floor (HiGHS MILP). See docs/matching.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from reef.experts.matching.reviewer_input import (
    FloatArray,
    IntArray,
    ReviewerProblem,
    parse_reviewer_input,
)
from reef.experts.matching.validate import DATA

Solver = Literal["auto", "ortools", "highs"]


@dataclass(frozen=True)
class Scaled:
    costs: IntArray  # round(score * 10**decimals)
    decimals: int
    exact: bool  # True when every score is a whole number of 10**-decimals


def integer_scale(values: FloatArray, headroom: int, max_decimals: int = 9) -> Scaled:
    """Scale scores to integers with the fewest decimals that represent them exactly.

    The solvers work on integers, so the optimum is exact for scores given with
    up to `max_decimals` decimals. `headroom` bounds |cost| so that sums inside
    the solver cannot overflow int64; beyond that, scores are rounded to the
    largest precision that fits (`exact` is then False).
    """
    peak = float(np.max(np.abs(values))) if values.size else 0.0
    cap = (2**62) // max(1, headroom)
    best = 0
    for decimals in range(max_decimals + 1):
        factor = 10.0**decimals
        if peak * factor >= cap:
            break
        best = decimals
        # A prefix that is not whole rules this precision out without a full pass.
        head = values[:4096] * factor
        if not np.all(np.abs(head - np.rint(head)) <= 1e-6):
            continue
        scaled = values * factor
        if np.all(np.abs(scaled - np.rint(scaled)) <= 1e-6):
            return Scaled(np.rint(scaled).astype(np.int64), decimals, True)
    return Scaled(np.rint(values * 10.0**best).astype(np.int64), best, False)


@dataclass
class FlowResult:
    chosen: NDArray[np.bool_]  # over the candidate arcs
    flow: int


def _ortools_available() -> bool:
    try:
        from ortools.graph.python import min_cost_flow  # noqa: F401
    except ImportError:
        return False
    return True


def _flow_ortools(
    p_arc: IntArray, r_arc: IntArray, gain: IntArray, need: IntArray, load: IntArray
) -> FlowResult:
    from ortools.graph.python import min_cost_flow

    n_p, n_r = len(need), len(load)
    source, sink = n_r + n_p, n_r + n_p + 1
    solver = min_cost_flow.SimpleMinCostFlow()
    # Arc order: pair arcs first so that their indices are 0..E-1.
    tails = np.concatenate([r_arc, np.full(n_r, source), n_r + np.arange(n_p)])
    heads = np.concatenate([n_r + p_arc, np.arange(n_r), np.full(n_p, sink)])
    caps = np.concatenate([np.ones(len(p_arc), dtype=np.int64), load, need])
    costs = np.concatenate([-gain, np.zeros(n_r + n_p, dtype=np.int64)])
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    demand = int(need.sum())
    solver.set_nodes_supplies(np.array([source, sink]), np.array([demand, -demand]))
    # Max flow first (fill as much as possible), then the cheapest such flow.
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    flows = solver.flows(arcs[: len(p_arc)])
    return FlowResult(chosen=flows > 0, flow=int(solver.maximum_flow()))


def _incidence(p_arc: IntArray, r_arc: IntArray, n_p: int, n_r: int) -> sp.csr_matrix:
    """Rows: one per proposal then one per reviewer; columns: candidate arcs."""
    n_e = len(p_arc)
    rows = np.concatenate([p_arc, n_p + r_arc])
    cols = np.concatenate([np.arange(n_e), np.arange(n_e)])
    return sp.csr_matrix((np.ones(2 * n_e), (rows, cols)), shape=(n_p + n_r, n_e))


def _flow_highs(
    p_arc: IntArray, r_arc: IntArray, gain: IntArray, need: IntArray, load: IntArray
) -> FlowResult:
    # The transportation matrix is totally unimodular, so a simplex vertex is
    # integral: dual simplex ("highs-ds") returns one.
    n_e = len(p_arc)
    a_ub = _incidence(p_arc, r_arc, len(need), len(load))
    b_ub = np.concatenate([need, load]).astype(np.float64)
    first = linprog(-np.ones(n_e), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs-ds")
    if first.status != 0:
        raise RuntimeError(f"HiGHS failed: {first.message}")
    flow = round(-first.fun)
    second = linprog(
        -gain.astype(np.float64),
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=np.ones((1, n_e)),
        b_eq=[flow],
        bounds=(0, 1),
        method="highs-ds",
    )
    if second.status != 0:
        raise RuntimeError(f"HiGHS failed: {second.message}")
    return FlowResult(chosen=np.asarray(second.x) > 0.5, flow=flow)


def _fairness_rows(
    p_arc: IntArray, gain: IntArray, floor_rows: IntArray, n_p: int
) -> sp.csr_matrix:
    """Fairness rows: gain-weighted incidence restricted to floor_rows."""
    row_of = np.full(n_p, -1, dtype=np.int64)
    row_of[floor_rows] = np.arange(len(floor_rows))
    keep = row_of[p_arc] >= 0
    return sp.csr_matrix(
        (gain[keep].astype(np.float64), (row_of[p_arc[keep]], np.flatnonzero(keep))),
        shape=(len(floor_rows), len(p_arc)),
    )


def _max_min_stage(
    inc: sp.csr_matrix,
    fair: sp.csr_matrix,
    caps: FloatArray,
    flow: int,
    base_f: FloatArray,
    options: dict[str, Any],
) -> Any:
    """Stage 1 of `_fair_milp` over (x, t): maximise t, every fairness row at least t, the
    seats and loads within ``caps`` and exactly ``flow`` arcs chosen. SciPy's milp result."""
    n_caps, n_e = inc.shape
    n_floor = fair.shape[0]
    a1 = sp.vstack(
        [
            sp.hstack([inc, sp.csr_matrix((n_caps, 1))]),
            sp.hstack([sp.csr_matrix(np.ones((1, n_e))), sp.csr_matrix((1, 1))]),
            sp.hstack([fair, -sp.csr_matrix(np.ones((n_floor, 1)))]),
        ],
        format="csr",
    )
    lo1 = np.concatenate([np.full(n_caps, -np.inf), [flow], -base_f])
    hi1 = np.concatenate([caps, [flow], np.full(n_floor, np.inf)])
    c1 = np.zeros(n_e + 1)
    c1[-1] = -1.0
    integrality = np.concatenate([np.ones(n_e), [0]])
    bounds = Bounds(
        np.concatenate([np.zeros(n_e), [-np.inf]]), np.concatenate([np.ones(n_e), [np.inf]])
    )
    return milp(
        c1,
        constraints=LinearConstraint(a1, lo1, hi1),
        integrality=integrality,
        bounds=bounds,
        options=options,
    )


def _fair_milp(
    p_arc: IntArray,
    r_arc: IntArray,
    gain: IntArray,
    need: IntArray,
    load: IntArray,
    flow: int,
    base: IntArray,
    floor_rows: IntArray,
    time_limit: float,
    start: NDArray[np.bool_],
) -> tuple[NDArray[np.bool_], bool]:
    """Stage 1: maximise t <= base[p] + sum gain over p's arcs (p in floor_rows).
    Stage 2: maximise the total with every such proposal at or above t*.

    Both keep the number of assignments at `flow` (the maximum), so fairness
    never costs a filled seat. Returns (chosen arcs, proven optimal).
    """
    n_p, n_r, n_e = len(need), len(load), len(p_arc)
    inc = _incidence(p_arc, r_arc, n_p, n_r)
    fair = _fairness_rows(p_arc, gain, floor_rows, n_p)
    caps = np.concatenate([need, load]).astype(np.float64)
    base_f = base[floor_rows].astype(np.float64)
    options = {"time_limit": time_limit, "mip_rel_gap": 1e-9, "disp": False}

    res1 = _max_min_stage(inc, fair, caps, flow, base_f, options)
    if res1.x is None:
        return start, False
    x1 = np.asarray(res1.x[:n_e]) > 0.5
    optimal = res1.status == 0
    # Floor: the achieved minimum, an integer because gains are integers.
    sums = np.bincount(p_arc[x1], weights=gain[x1], minlength=n_p)[floor_rows] + base_f
    t_star = float(np.min(sums))

    a2 = sp.vstack([inc, sp.csr_matrix(np.ones((1, n_e))), fair], format="csr")
    lo2 = np.concatenate([np.full(n_p + n_r, -np.inf), [flow], t_star - base_f - 0.5])
    hi2 = np.concatenate([caps, [flow], np.full(len(floor_rows), np.inf)])
    res2 = milp(
        -gain.astype(np.float64),
        constraints=LinearConstraint(a2, lo2, hi2),
        integrality=np.ones(n_e),
        bounds=Bounds(0, 1),
        options=options,
    )
    if res2.x is None:
        return x1, False
    x2 = np.asarray(res2.x) > 0.5
    # Keep stage 1's answer if a time-limited stage 2 did worse on the total.
    if int(gain[x2].sum()) < int(gain[x1].sum()):
        return x1, False
    return x2, optimal and res2.status == 0


@dataclass
class _Arcs:
    """The candidate (proposal, reviewer) arcs left once the fixed pairs are taken."""

    p_arc: IntArray
    r_arc: IntArray
    need: IntArray  # seats still open per proposal
    load: IntArray  # room left per reviewer
    fixed_p: IntArray
    fixed_r: IntArray


def _arcs(problem: ReviewerProblem) -> _Arcs:
    need = problem.needs.copy()
    load = problem.loads.copy()
    allowed = ~problem.forbidden
    for p, r in problem.fixed:
        need[p] -= 1
        load[r] -= 1
        allowed[p, r] = False  # already assigned: not a candidate again
    # Arcs that can never carry flow are dropped before the solver sees them.
    allowed &= (need > 0)[:, None] & (load > 0)[None, :]
    p_arc, r_arc = np.nonzero(allowed)
    return _Arcs(
        p_arc=p_arc.astype(np.int64),
        r_arc=r_arc.astype(np.int64),
        need=need,
        load=load,
        fixed_p=np.array([p for p, _ in problem.fixed], dtype=np.int64),
        fixed_r=np.array([r for _, r in problem.fixed], dtype=np.int64),
    )


def _choose(
    problem: ReviewerProblem, arcs: _Arcs, gain: IntArray, fixed_gain: IntArray, backend: str
) -> tuple[NDArray[np.bool_], bool]:
    """The arcs taken (beyond the fixed pairs), and whether that is proven optimal."""
    n_p = len(problem.needs)
    if len(arcs.p_arc) == 0 or int(arcs.need.sum()) == 0:
        return np.zeros(len(arcs.p_arc), dtype=np.bool_), True
    run = _flow_ortools if backend == "ortools" else _flow_highs
    result = run(arcs.p_arc, arcs.r_arc, gain, arcs.need, arcs.load)
    if problem.objective != "fair":
        return result.chosen, True
    base = np.bincount(arcs.fixed_p, weights=fixed_gain, minlength=n_p).astype(np.int64)
    # Proposals with no candidate at all cannot be raised; leaving them
    # out keeps the floor meaningful for everyone else.
    has_arc = np.bincount(arcs.p_arc, minlength=n_p) > 0
    floor_rows = np.flatnonzero((problem.needs > 0) & has_arc)
    if not floor_rows.size:
        return result.chosen, True
    return _fair_milp(
        arcs.p_arc,
        arcs.r_arc,
        gain,
        arcs.need,
        arcs.load,
        result.flow,
        base,
        floor_rows,
        problem.time_limit,
        result.chosen,
    )


def solve_reviewers(problem: ReviewerProblem, solver: Solver = "auto") -> dict[str, Any]:
    """Solve a validated problem; returns the `match_reviewers` output."""
    n_p, n_r = problem.affinity.shape
    arcs = _arcs(problem)
    scores = problem.affinity[arcs.p_arc, arcs.r_arc]
    fixed_scores = problem.affinity[arcs.fixed_p, arcs.fixed_r]
    demand = int(arcs.need.sum())
    headroom = (n_p + n_r + 3) * max(1, demand + len(problem.fixed))
    scaled = integer_scale(np.concatenate([scores, fixed_scores]), headroom)
    gain = scaled.costs[: len(scores)]
    fixed_gain = scaled.costs[len(scores) :]
    backend: str = solver
    if backend == "auto":
        backend = "ortools" if _ortools_available() else "highs"
    chosen, optimal = _choose(problem, arcs, gain, fixed_gain, backend)

    all_p = np.concatenate([arcs.fixed_p, arcs.p_arc[chosen]])
    all_r = np.concatenate([arcs.fixed_r, arcs.r_arc[chosen]])
    all_s = problem.affinity[all_p, all_r]
    order = np.lexsort((-all_s, all_p))
    assignment = [
        {
            "proposal": problem.proposal_ids[int(all_p[i])],
            "reviewer": problem.reviewer_ids[int(all_r[i])],
            "score": float(all_s[i]),
        }
        for i in order
    ]
    counts = np.bincount(all_p, minlength=n_p)
    per_proposal = np.bincount(all_p, weights=all_s, minlength=n_p)
    served = problem.needs > 0
    return {
        "assignment": assignment,
        "total": _clean(float(all_s.sum())),
        "min_proposal_score": _clean(float(per_proposal[served].min())) if served.any() else 0.0,
        "unfilled": [problem.proposal_ids[i] for i in np.flatnonzero(counts < problem.needs)],
        "objective": problem.objective,
        "optimal": optimal,
        "score_decimals": scaled.decimals,
        "scores_exact": scaled.exact,
        "solver": backend if problem.objective == "total" else f"{backend}+highs-milp",
    }


def _clean(value: float) -> float:
    """Round away binary noise from float sums of decimal scores."""
    return round(value, 9)


def match_reviewers(
    data: dict[str, Any], solver: Solver = "auto", *, filename: str = DATA
) -> dict[str, Any]:
    """JSON contract for `reef match reviewers FILE --json` (see docs/matching.md);
    `filename` is how input errors name the input."""
    return solve_reviewers(parse_reviewer_input(data, filename), solver)
