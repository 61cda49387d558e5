"""Team building: one MILP over all missions (SciPy `milp` / HiGHS), so that no expert is
double-booked; coverage (roles, regional sector, languages, size) is soft and penalised above
any fit. See docs/matching.md for the model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from reef.experts.matching.explain import explain_team
from reef.experts.matching.team_arrays import (
    FloatArray,
    IntArray,
    TeamArrays,
    candidates,
    team_arrays,
)
from reef.experts.matching.team_input import Mission, TeamProblem, parse_team_input
from reef.experts.matching.validate import DATA


class _Model:
    """Sparse MILP assembled from NumPy blocks (COO triplets), never term by term."""

    def __init__(self) -> None:
        self.n_cols = 0
        self.n_rows = 0
        self._cost: list[FloatArray] = []
        self._integer: list[FloatArray] = []
        self._upper: list[FloatArray] = []
        self._r: list[IntArray] = []
        self._c: list[IntArray] = []
        self._v: list[FloatArray] = []
        self._lo: list[FloatArray] = []
        self._hi: list[FloatArray] = []

    def columns(self, cost: FloatArray, integer: bool = True, upper: float = 1.0) -> IntArray:
        """Add len(cost) columns; returns their indices."""
        cost = np.asarray(cost, dtype=np.float64).ravel()
        n = cost.size
        self._cost.append(cost)
        self._integer.append(np.full(n, 1.0 if integer else 0.0))
        self._upper.append(np.full(n, upper))
        self.n_cols += n
        return np.arange(self.n_cols - n, self.n_cols, dtype=np.int64)

    def rows(
        self,
        row: IntArray,
        col: IntArray,
        val: FloatArray | float,
        lo: FloatArray | float,
        hi: FloatArray | float,
        count: int,
    ) -> None:
        """Add `count` rows; `row` holds each term's row (0..count-1), `col` its column."""
        if count == 0:
            return
        self._r.append(np.asarray(row, dtype=np.int64) + self.n_rows)
        self._c.append(np.asarray(col, dtype=np.int64))
        self._v.append(np.broadcast_to(np.asarray(val, dtype=np.float64), (len(row),)))
        self._lo.append(np.broadcast_to(np.asarray(lo, dtype=np.float64), (count,)))
        self._hi.append(np.broadcast_to(np.asarray(hi, dtype=np.float64), (count,)))
        self.n_rows += count

    def row(self, cols: IntArray, lo: float, hi: float, val: FloatArray | float = 1.0) -> None:
        self.rows(np.zeros(len(cols), dtype=np.int64), cols, val, lo, hi, 1)

    def solve(self, time_limit: float) -> tuple[FloatArray, str]:
        n = self.n_cols
        if n == 0:
            return np.zeros(0), "optimal"
        cat = np.concatenate
        constraints = None
        if self.n_rows:
            matrix = sp.csr_matrix(
                (cat(self._v), (cat(self._r), cat(self._c))), shape=(self.n_rows, n)
            )
            constraints = LinearConstraint(matrix, cat(self._lo), cat(self._hi))
        res = milp(
            cat(self._cost),
            constraints=constraints,
            integrality=cat(self._integer),
            bounds=Bounds(np.zeros(n), cat(self._upper)),
            # HiGHS' presolve costs more than it saves on this model (measured:
            # the LP relaxation is nearly integral and dominated rows are
            # already left out).
            options={
                "time_limit": time_limit,
                "mip_rel_gap": 1e-9,
                "disp": False,
                "presolve": False,
            },
        )
        if res.x is None:
            raise RuntimeError(f"team MILP found no solution: {res.message}")
        return np.asarray(res.x), "optimal" if res.status == 0 else "time_limit"


def _rules(mission: Mission) -> list[str]:
    rules = [f"role:{r}" for r in mission.roles]
    if mission.local_sectors is not None:
        rules.append("local")
    rules.extend(f"language:{lang}" for lang in mission.languages)
    return rules


def _interval_cliques(start: IntArray, end: IntArray) -> NDArray[np.bool_]:
    """Maximal cliques (size > 1) of the intervals [start, end], inclusive.

    Row i of the result marks the intervals containing start[i]; rows that are
    contained in another row (or duplicate an earlier one) are left out, so an
    expert's "one mission at a time" rule needs only the maximal cliques.
    """
    cover = (start[None, :] <= start[:, None]) & (end[None, :] >= start[:, None])
    size = cover.sum(axis=1)
    inter = cover.astype(np.int64) @ cover.T.astype(np.int64)
    k = len(start)
    later = np.arange(k)[None, :] < np.arange(k)[:, None]  # j < i
    bigger = (size[None, :] > size[:, None]) | ((size[None, :] == size[:, None]) & later)
    contained = (inter == size[:, None]) & bigger
    np.fill_diagonal(contained, False)
    keep = ~contained.any(axis=1) & (size > 1)
    cliques: NDArray[np.bool_] = cover[keep]
    return cliques


@dataclass
class _Seats:
    """Member (x) and shadow (z) columns: mission, expert, column, regular or shadow; and the
    role-seat (y) columns of experts who hold several required roles."""

    m: list[IntArray] = field(default_factory=list)
    e: list[IntArray] = field(default_factory=list)
    c: list[IntArray] = field(default_factory=list)
    x: list[NDArray[np.bool_]] = field(default_factory=list)  # True for x, False for z
    y_col: dict[tuple[int, int, str], int] = field(default_factory=dict)

    def add(self, m: int, experts: IntArray, cols: IntArray, regular: bool) -> None:
        self.m.append(np.full(len(experts), m, dtype=np.int64))
        self.e.append(experts)
        self.c.append(cols)
        self.x.append(np.full(len(experts), regular, dtype=np.bool_))

    def flat(self) -> tuple[IntArray, IntArray, IntArray, NDArray[np.bool_]]:
        return (
            np.concatenate([np.zeros(0, dtype=np.int64), *self.m]),
            np.concatenate([np.zeros(0, dtype=np.int64), *self.e]),
            np.concatenate([np.zeros(0, dtype=np.int64), *self.c]),
            np.concatenate([np.zeros(0, dtype=np.bool_), *self.x]),
        )


def _role_rows(
    model: _Model,
    arrays: TeamArrays,
    mission: Mission,
    m: int,
    regular: IntArray,
    xs: IntArray,
    slack_of: dict[str, int],
    seats: _Seats,
) -> None:
    """Role coverage: each role's count met (or slack), one role seat per expert."""
    roles = list(mission.roles)
    held = arrays.has_role[np.ix_(regular, [arrays.role_index[r] for r in roles])]
    count = held.sum(axis=1)
    # One expert fills one role seat: y variables pick which.
    multi = np.flatnonzero(count > 1)
    mi, mj = np.nonzero(held[multi])
    ys = model.columns(np.zeros(len(mi)))
    for e, r, col in zip(regular[multi[mi]].tolist(), mj.tolist(), ys.tolist(), strict=True):
        seats.y_col[(m, e, roles[r])] = col
    model.rows(
        np.concatenate([mi, np.arange(len(multi))]),
        np.concatenate([ys, xs[multi]]),
        np.concatenate([np.ones(len(mi)), -np.ones(len(multi))]),
        -np.inf,
        0.0,
        len(multi),
    )
    si, sj = np.nonzero(held & (count == 1)[:, None])
    role_slack = np.array([slack_of[f"role:{r}"] for r in roles], dtype=np.int64)
    model.rows(
        np.concatenate([sj, mj, np.arange(len(roles))]),
        np.concatenate([xs[si], ys, role_slack]),
        1.0,
        np.array([mission.roles[r] for r in roles], dtype=np.float64),
        np.inf,
        len(roles),
    )


def _mission_rows(
    model: _Model, problem: TeamProblem, arrays: TeamArrays, m: int, big: float, seats: _Seats
) -> None:
    """Mission m's columns (members, a slack per rule, the shadow seat) and coverage rows."""
    mission = problem.missions[m]
    regular, nascent = candidates(problem, arrays, m)
    fit = arrays.fit[m]
    xs = model.columns(-fit[regular])
    seats.add(m, regular, xs, True)
    rules = _rules(mission)
    slack = model.columns(np.full(len(rules) + 1, big), integer=False, upper=np.inf)
    slack_of = dict(zip([*rules, "size"], slack.tolist(), strict=True))
    if mission.roles:
        _role_rows(model, arrays, mission, m, regular, xs, slack_of, seats)
    if mission.local_sectors is not None:
        model.row(np.r_[xs[arrays.local[m, regular]], slack_of["local"]], 1.0, np.inf)
    if mission.languages:
        langs = [arrays.lang_index[g] for g in mission.languages]
        li, lj = np.nonzero(arrays.speaks[np.ix_(regular, langs)])
        lang_slack = np.array(
            [slack_of[f"language:{g}"] for g in mission.languages], dtype=np.int64
        )
        k = len(langs)
        model.rows(np.r_[lj, np.arange(k)], np.r_[xs[li], lang_slack], 1.0, 1.0, np.inf, k)
    model.row(xs, -np.inf, mission.size)
    model.row(np.r_[xs, slack_of["size"]], mission.size, np.inf)
    if nascent.size:
        # +1 so that the shadow seat is filled even when fit is 0.
        zs = model.columns(-fit[nascent] - 1.0)
        seats.add(m, nascent, zs, False)
        model.row(zs, -np.inf, 1.0)


def _expert_rows(
    model: _Model, problem: TeamProblem, all_m: IntArray, all_e: IntArray, all_c: IntArray
) -> None:
    """Experts: one mission at a time (a row per maximal clique of overlapping
    missions) and at most max_missions in all."""
    missions, experts = problem.missions, problem.experts
    m_start = np.array([ms.start for ms in missions], dtype=np.int64)
    m_end = np.array([ms.end for ms in missions], dtype=np.int64)
    order = np.lexsort((m_start[all_m], all_e))
    bounds = np.flatnonzero(np.r_[True, all_e[order][1:] != all_e[order][:-1], True])
    for a, b in itertools.pairwise(bounds.tolist()):
        if b - a < 2:
            continue
        entries = order[a:b]
        e = int(all_e[entries[0]])
        cols = all_c[entries]
        cliques = _interval_cliques(m_start[all_m[entries]], m_end[all_m[entries]])
        ci, cj = np.nonzero(cliques)
        model.rows(ci, cols[cj], 1.0, -np.inf, 1.0, len(cliques))
        if experts[e].max_missions < b - a:
            model.row(cols, -np.inf, experts[e].max_missions)


def solve_teams(problem: TeamProblem) -> dict[str, Any]:
    missions = problem.missions
    arrays = team_arrays(problem)
    model = _Model()
    max_fit = float(arrays.fit.max()) if arrays.fit.size else 0.0
    # Any unit of coverage outweighs all fit in the instance together.
    big = sum(m.size + 1 for m in missions) * (max_fit + 2.0) + 1.0
    seats = _Seats()
    for m in range(len(missions)):
        _mission_rows(model, problem, arrays, m, big, seats)
    all_m, all_e, all_c, all_x = seats.flat()
    _expert_rows(model, problem, all_m, all_e, all_c)

    solution, status = model.solve(problem.time_limit)
    on = solution > 0.5
    picked = on[all_c]
    team_of: dict[int, list[int]] = {}
    chosen: list[list[int]] = [[] for _ in missions]
    shadow: list[list[int]] = [[] for _ in missions]
    for m, e, regular_seat in zip(
        all_m[picked].tolist(), all_e[picked].tolist(), all_x[picked].tolist(), strict=True
    ):
        team_of.setdefault(e, []).append(m)
        (chosen if regular_seat else shadow)[m].append(e)

    teams = []
    total_fit = 0.0
    for m in range(len(missions)):
        team = explain_team(problem, arrays, m, chosen[m], shadow[m], seats.y_col, on, team_of)
        total_fit += team["total_fit"]
        teams.append(team)
    return {
        "teams": teams,
        "total_fit": round(total_fit, 6),
        "status": status,
        "pruned": problem.extra is not None,
    }


def match_team(data: dict[str, Any], *, filename: str = DATA) -> dict[str, Any]:
    """JSON contract for `reef match team FILE --json` (see docs/matching.md); `filename` is
    how input errors name the input."""
    return solve_teams(parse_team_input(data, filename))
