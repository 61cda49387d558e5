"""Matching engine for the expert network (pure Python, no Django).

Three problems, each behind a JSON contract documented in docs/matching.md:

* `match_reviewers`: proposals needing k reviewers each, reviewers with maximum
  loads, conflicts forbidden. "total" is a min-cost flow (OR-Tools
  SimpleMinCostFlow, or SciPy/HiGHS on the totally unimodular LP when OR-Tools
  is missing), exact on integer-scaled affinities. "fair" is a two-stage MILP
  (HiGHS): maximise the worst-served proposal, then the total under that floor.
* `match_team`: missions needing role, regional-sector and language coverage,
  available and conflict-free experts, an optional nascent shadow seat; one
  MILP over all missions so that experts are not double-booked.
* `match_mentors`: nascent specialists to senior mentors, one or two mentees
  each, with `scipy.optimize.linear_sum_assignment`.

`run_cli(kind, path)` is what `reef match reviewers|team|mentors FILE --json` calls.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

import numpy as np
import orjson
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, linprog, milp

from reef.experts.affinity import text_affinity

Id = str | int
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Solver = Literal["auto", "ortools", "highs"]
#: One clause of an explanation: an English template and its named parameters.
Clause = tuple[str, dict[str, str]]


def gettext_noop(message: str) -> str:
    """Mark an English template for translation; the Django layer translates it."""
    return message


def _render(parts: list[Clause]) -> str:
    """The English explanation: the clauses' templates filled in, joined by "; "."""
    return "; ".join(template % params for template, params in parts)


__all__ = [
    "MatchingInputError",
    "load_json_file",
    "match_mentors",
    "match_reviewers",
    "match_team",
    "run_cli",
]


# --------------------------------------------------------------------------- errors


class MatchingInputError(ValueError):
    """Invalid input; `path` names the offending key, e.g. `reviewers[3].max_load`."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _obj(
    value: Any, path: str, allowed: Iterable[str], required: Iterable[str] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MatchingInputError(path, "must be an object")
    allowed_set = set(allowed)
    for key in value:
        if key not in allowed_set:
            raise MatchingInputError(_key(path, str(key)), "unknown key")
    for key in required:
        if key not in value:
            raise MatchingInputError(_key(path, key), "is required")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise MatchingInputError(path, "must be a list")
    return value


def _id(value: Any, path: str) -> Id:
    # bool is an int subclass; an id of `true` is almost certainly a mistake.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MatchingInputError(path, "must be a string or an integer")
    if isinstance(value, str) and not value:
        raise MatchingInputError(path, "must not be empty")
    return value


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise MatchingInputError(path, "must be a string")
    return value


def _str_list(value: Any, path: str) -> list[str]:
    items = _list(value, path)
    return [_str(item, f"{path}[{i}]") for i, item in enumerate(items)]


def _nonneg_int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MatchingInputError(path, "must be a non-negative integer")
    return value


def _pos_int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MatchingInputError(path, "must be a positive integer")
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MatchingInputError(path, "must be a finite number")
    return float(value)


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise MatchingInputError(path, "must be true or false")
    return value


def _date(value: Any, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_str(value, path))
    except ValueError:
        raise MatchingInputError(path, "must be an ISO date (YYYY-MM-DD)") from None


def _index(items: list[Any], path: str) -> dict[Id, int]:
    index: dict[Id, int] = {}
    for i, item in enumerate(items):
        ident = _id(item.get("id"), f"{path}[{i}].id")
        if ident in index:
            raise MatchingInputError(f"{path}[{i}].id", f"duplicate id {ident!r}")
        index[ident] = i
    return index


def _lookup(index: dict[Id, int], value: Any, path: str, what: str) -> int:
    ident = _id(value, path)
    if ident not in index:
        raise MatchingInputError(path, f"unknown {what} id {ident!r}")
    return index[ident]


# --------------------------------------------------------------------------- I/O


def load_json_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON object from `path`; problems are reported as MatchingInputError.

    Parsed with orjson (about twice as fast as `json` on large affinity files).
    Strict JSON: `NaN`/`Infinity` literals are rejected as invalid JSON.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise MatchingInputError("", f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MatchingInputError(
            "", f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    del raw
    if not isinstance(data, dict):
        raise MatchingInputError("", "the top level must be a JSON object")
    return data


def run_cli(kind: str, path: str) -> dict[str, Any]:
    """Entry point for `reef match KIND FILE --json`: load, validate, solve."""
    handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "reviewers": match_reviewers,
        "team": match_team,
        "teams": match_team,
        "mentors": match_mentors,
    }
    if kind not in handlers:
        raise MatchingInputError("", f"unknown kind {kind!r}: use reviewers, team or mentors")
    return handlers[kind](load_json_file(path))


# --------------------------------------------------------------------------- scaling


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


# --------------------------------------------------------------------------- reviewers


@dataclass
class ReviewerProblem:
    proposal_ids: list[Id]
    reviewer_ids: list[Id]
    needs: IntArray
    loads: IntArray
    affinity: FloatArray  # dense proposals x reviewers; pairs not given score 0
    forbidden: NDArray[np.bool_]  # conflicts and declined pairs
    fixed: list[tuple[int, int]] = field(default_factory=list)
    objective: Literal["total", "fair"] = "total"
    time_limit: float = 60.0


def _affinity_slow(records: list[Any], pidx: dict[Id, int], ridx: dict[Id, int]) -> None:
    """Find and report the first bad affinity record (the fast path only says 'bad')."""
    for i, rec in enumerate(records):
        path = f"affinity[{i}]"
        _obj(rec, path, ("proposal", "reviewer", "score"), ("proposal", "reviewer", "score"))
        _lookup(pidx, rec["proposal"], f"{path}.proposal", "proposal")
        _lookup(ridx, rec["reviewer"], f"{path}.reviewer", "reviewer")
        _number(rec["score"], f"{path}.score")
    raise MatchingInputError("affinity", "invalid records")  # pragma: no cover


def _lookup_all(index: dict[Id, int], values: Iterable[Any], n: int) -> IntArray:
    """Indices of `n` ids in one C-level pass; LookupError/TypeError on any bad id.

    When every known id is a string, a successful look-up proves the value is
    that string (no other JSON type compares equal to a str), so the per-record
    type check is only needed when some ids are integers (to refuse `true`/`1.0`).
    """
    if not all(type(key) is str for key in index):
        values = list(values)
        if not set(map(type, values)) <= {str, int}:
            raise LookupError
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=n)


def _parse_affinity_records(records: Any, pidx: dict[Id, int], ridx: dict[Id, int]) -> FloatArray:
    records = _list(records, "affinity")
    n_p, n_r, n = len(pidx), len(ridx), len(records)
    matrix = np.zeros((n_p, n_r), dtype=np.float64)
    if n == 0:
        return matrix
    # Fast path: a few C-level passes (map/itemgetter/fromiter) over millions
    # of records, no per-record Python code; any surprise falls back to the
    # slow loop, which names the exact bad record.
    try:
        # Exactly three keys; a non-dict of length 3 (list, str) makes the
        # string-keyed itemgetter below raise TypeError.
        if set(map(len, records)) != {3}:
            raise LookupError
        p_idx = _lookup_all(pidx, map(itemgetter("proposal"), records), n)
        r_idx = _lookup_all(ridx, map(itemgetter("reviewer"), records), n)
        scores = list(map(itemgetter("score"), records))
        if not set(map(type, scores)) <= {float, int}:
            raise LookupError
        values = np.fromiter(scores, dtype=np.float64, count=n)
        del scores
        if not np.isfinite(values).all():
            raise LookupError
    except (LookupError, TypeError, ValueError, OverflowError):
        _affinity_slow(records, pidx, ridx)
        raise  # pragma: no cover
    linear = p_idx * n_r + r_idx
    counts = np.bincount(linear, minlength=n_p * n_r)
    if counts.max() > 1:
        _, first = np.unique(linear, return_index=True)
        repeat = np.ones(n, dtype=np.bool_)
        repeat[first] = False
        index = int(np.flatnonzero(repeat)[0])
        raise MatchingInputError(f"affinity[{index}]", "duplicate (proposal, reviewer) pair")
    matrix.ravel()[linear] = values
    return matrix


def _parse_affinity_matrix(rows: Any, n_p: int, n_r: int) -> FloatArray:
    rows = _list(rows, "affinity_matrix")
    if len(rows) != n_p:
        raise MatchingInputError("affinity_matrix", f"must have one row per proposal ({n_p})")
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n_r:
            raise MatchingInputError(
                f"affinity_matrix[{i}]", f"must be a list of {n_r} numbers (one per reviewer)"
            )
    if n_p == 0 or n_r == 0:
        return np.zeros((n_p, n_r), dtype=np.float64)
    if not set(map(type, itertools.chain.from_iterable(rows))) <= {float, int}:
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                _number(value, f"affinity_matrix[{i}][{j}]")
    matrix = np.asarray(rows, dtype=np.float64)
    bad = np.argwhere(~np.isfinite(matrix))
    if bad.size:
        raise MatchingInputError(f"affinity_matrix[{bad[0][0]}][{bad[0][1]}]", "must be finite")
    return matrix


def _pairs(
    value: Any, path: str, pidx: dict[Id, int], ridx: dict[Id, int]
) -> list[tuple[int, int]]:
    out = []
    for i, rec in enumerate(_list(value, path)):
        item = f"{path}[{i}]"
        _obj(rec, item, ("proposal", "reviewer"), ("proposal", "reviewer"))
        out.append(
            (
                _lookup(pidx, rec["proposal"], f"{item}.proposal", "proposal"),
                _lookup(ridx, rec["reviewer"], f"{item}.reviewer", "reviewer"),
            )
        )
    return out


def _pair_arrays(
    value: Any, path: str, pidx: dict[Id, int], ridx: dict[Id, int]
) -> tuple[IntArray, IntArray]:
    """`_pairs` as index arrays, with a C-level fast path for long lists (conflicts)."""
    items = _list(value, path)
    n = len(items)
    try:
        if n and set(map(len, items)) != {2}:
            raise LookupError
        p_idx = _lookup_all(pidx, map(itemgetter("proposal"), items), n)
        r_idx = _lookup_all(ridx, map(itemgetter("reviewer"), items), n)
    except (LookupError, TypeError, ValueError, OverflowError):
        pairs = _pairs(items, path, pidx, ridx)  # names the bad item
        p_idx = np.array([p for p, _ in pairs], dtype=np.int64)
        r_idx = np.array([r for _, r in pairs], dtype=np.int64)
    return p_idx, r_idx


REVIEWER_KEYS = (
    "proposals",
    "reviewers",
    "affinity",
    "affinity_matrix",
    "affinity_method",
    "conflicts",
    "declined",
    "fixed",
    "objective",
    "time_limit",
)


def parse_reviewer_input(data: Any) -> ReviewerProblem:
    """Validate the `match_reviewers` JSON and build dense arrays."""
    data = _obj(data, "", REVIEWER_KEYS, ("proposals", "reviewers"))
    proposals = _list(data["proposals"], "proposals")
    reviewers = _list(data["reviewers"], "reviewers")
    for i, p in enumerate(proposals):
        _obj(p, f"proposals[{i}]", ("id", "text", "needs", "title"), ("id", "needs"))
    for j, r in enumerate(reviewers):
        _obj(
            r,
            f"reviewers[{j}]",
            ("id", "text", "expertise", "max_load", "name"),
            ("id", "max_load"),
        )
    pidx = _index(proposals, "proposals")
    ridx = _index(reviewers, "reviewers")
    needs = np.array(
        [_nonneg_int(p["needs"], f"proposals[{i}].needs") for i, p in enumerate(proposals)],
        dtype=np.int64,
    )
    loads = np.array(
        [_nonneg_int(r["max_load"], f"reviewers[{j}].max_load") for j, r in enumerate(reviewers)],
        dtype=np.int64,
    )
    objective = data.get("objective", "total")
    if objective not in ("total", "fair"):
        raise MatchingInputError("objective", 'must be "total" or "fair"')
    time_limit = _number(data.get("time_limit", 60.0), "time_limit")
    if time_limit <= 0:
        raise MatchingInputError("time_limit", "must be positive")

    if "affinity" in data and "affinity_matrix" in data:
        raise MatchingInputError("affinity_matrix", 'give either "affinity" or "affinity_matrix"')
    if "affinity_matrix" in data:
        affinity = _parse_affinity_matrix(data["affinity_matrix"], len(pidx), len(ridx))
    elif "affinity" in data:
        affinity = _parse_affinity_records(data["affinity"], pidx, ridx)
    else:
        method = data.get("affinity_method", "tfidf")
        if method not in ("tfidf", "bm25"):
            raise MatchingInputError("affinity_method", 'must be "tfidf" or "bm25"')
        texts = [_str(p.get("text", ""), f"proposals[{i}].text") for i, p in enumerate(proposals)]
        docs: list[list[str]] = []
        for j, r in enumerate(reviewers):
            text = r.get("text", "")
            own = [text] if isinstance(text, str) else _str_list(text, f"reviewers[{j}].text")
            if "expertise" in r:
                own.append(" ".join(_str_list(r["expertise"], f"reviewers[{j}].expertise")))
            docs.append([d for d in own if d.strip()])
        affinity = text_affinity(texts, docs, method)

    forbidden = np.zeros(affinity.shape, dtype=np.bool_)
    for key in ("conflicts", "declined"):
        p_idx, r_idx = _pair_arrays(data.get(key, []), key, pidx, ridx)
        forbidden[p_idx, r_idx] = True
    fixed = _pairs(data.get("fixed", []), "fixed", pidx, ridx)
    seen: set[tuple[int, int]] = set()
    fixed_need = np.zeros_like(needs)
    fixed_load = np.zeros_like(loads)
    for i, (p, r) in enumerate(fixed):
        if forbidden[p, r]:
            raise MatchingInputError(f"fixed[{i}]", "pair is also a conflict or was declined")
        if (p, r) in seen:
            raise MatchingInputError(f"fixed[{i}]", "duplicate pair")
        seen.add((p, r))
        fixed_need[p] += 1
        fixed_load[r] += 1
        if fixed_need[p] > needs[p]:
            raise MatchingInputError(f"fixed[{i}]", "more fixed reviewers than the proposal needs")
        if fixed_load[r] > loads[r]:
            raise MatchingInputError(f"fixed[{i}]", "exceeds the reviewer's max_load")
    return ReviewerProblem(
        proposal_ids=list(pidx),
        reviewer_ids=list(ridx),
        needs=needs,
        loads=loads,
        affinity=affinity,
        forbidden=forbidden,
        fixed=fixed,
        objective=objective,
        time_limit=time_limit,
    )


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
    # Fairness rows: gain-weighted incidence restricted to floor_rows.
    row_of = np.full(n_p, -1, dtype=np.int64)
    row_of[floor_rows] = np.arange(len(floor_rows))
    keep = row_of[p_arc] >= 0
    fair = sp.csr_matrix(
        (gain[keep].astype(np.float64), (row_of[p_arc[keep]], np.flatnonzero(keep))),
        shape=(len(floor_rows), n_e),
    )
    caps = np.concatenate([need, load]).astype(np.float64)
    base_f = base[floor_rows].astype(np.float64)
    options = {"time_limit": time_limit, "mip_rel_gap": 1e-9, "disp": False}

    # Stage 1 over (x, t).
    a1 = sp.vstack(
        [
            sp.hstack([inc, sp.csr_matrix((n_p + n_r, 1))]),
            sp.hstack([sp.csr_matrix(np.ones((1, n_e))), sp.csr_matrix((1, 1))]),
            sp.hstack([fair, -sp.csr_matrix(np.ones((len(floor_rows), 1)))]),
        ],
        format="csr",
    )
    lo1 = np.concatenate([np.full(n_p + n_r, -np.inf), [flow], -base_f])
    hi1 = np.concatenate([caps, [flow], np.full(len(floor_rows), np.inf)])
    c1 = np.zeros(n_e + 1)
    c1[-1] = -1.0
    integrality = np.concatenate([np.ones(n_e), [0]])
    bounds = Bounds(
        np.concatenate([np.zeros(n_e), [-np.inf]]), np.concatenate([np.ones(n_e), [np.inf]])
    )
    res1 = milp(
        c1,
        constraints=LinearConstraint(a1, lo1, hi1),
        integrality=integrality,
        bounds=bounds,
        options=options,
    )
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


def solve_reviewers(problem: ReviewerProblem, solver: Solver = "auto") -> dict[str, Any]:
    """Solve a validated problem; returns the `match_reviewers` output."""
    n_p, n_r = problem.affinity.shape
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
    p_arc = p_arc.astype(np.int64)
    r_arc = r_arc.astype(np.int64)

    scores = problem.affinity[p_arc, r_arc]
    fixed_p = np.array([p for p, _ in problem.fixed], dtype=np.int64)
    fixed_r = np.array([r for _, r in problem.fixed], dtype=np.int64)
    fixed_scores = problem.affinity[fixed_p, fixed_r]
    demand = int(need.sum())
    headroom = (n_p + n_r + 3) * max(1, demand + len(problem.fixed))
    scaled = integer_scale(np.concatenate([scores, fixed_scores]), headroom)
    gain = scaled.costs[: len(scores)]
    fixed_gain = scaled.costs[len(scores) :]

    backend = solver
    if backend == "auto":
        backend = "ortools" if _ortools_available() else "highs"
    optimal = True
    if len(p_arc) == 0 or demand == 0:
        chosen = np.zeros(len(p_arc), dtype=np.bool_)
    else:
        run = _flow_ortools if backend == "ortools" else _flow_highs
        result = run(p_arc, r_arc, gain, need, load)
        chosen = result.chosen
        if problem.objective == "fair":
            base = np.bincount(fixed_p, weights=fixed_gain, minlength=n_p).astype(np.int64)
            # Proposals with no candidate at all cannot be raised; leaving them
            # out keeps the floor meaningful for everyone else.
            has_arc = np.bincount(p_arc, minlength=n_p) > 0
            floor_rows = np.flatnonzero((problem.needs > 0) & has_arc)
            if floor_rows.size:
                chosen, optimal = _fair_milp(
                    p_arc,
                    r_arc,
                    gain,
                    need,
                    load,
                    result.flow,
                    base,
                    floor_rows,
                    problem.time_limit,
                    chosen,
                )

    all_p = np.concatenate([fixed_p, p_arc[chosen]])
    all_r = np.concatenate([fixed_r, r_arc[chosen]])
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


def match_reviewers(data: dict[str, Any], solver: Solver = "auto") -> dict[str, Any]:
    """JSON contract for `reef match reviewers FILE --json` (see docs/matching.md)."""
    return solve_reviewers(parse_reviewer_input(data), solver)


# --------------------------------------------------------------------------- teams

DEFAULT_ROLES: dict[str, int] = {"technical": 1, "criminal_justice": 1}
DEFAULT_LOCAL_SECTORS: tuple[str, ...] = ("private", "academia")
SENIORITY_WEIGHTS: dict[str, float] = {
    "nascent": 0.0,
    "junior": 0.0,
    "mid": 0.1,
    "senior": 0.2,
    "principal": 0.3,
}
NASCENT = "nascent"
DEFAULT_CANDIDATES_EXTRA = 4


@dataclass
class Mission:
    id: Id
    country: str
    region: str | None
    organisations: set[str]
    start: int  # date ordinals, inclusive
    end: int
    languages: list[str]
    roles: dict[str, int]
    local_sectors: list[str] | None  # None: no regional-sector rule
    size: int
    nascent_seat: bool
    expertise: list[str]
    exclude: set[int]  # expert indices


@dataclass
class Expert:
    id: Id
    roles: set[str]
    expertise: set[str]
    sector: str | None
    country: str | None
    region: str | None
    organisation: str | None
    languages: set[str]
    seniority: str
    availability: list[tuple[int, int]]
    conflict_countries: set[str]
    conflict_organisations: set[str]
    max_missions: int


MISSION_KEYS = (
    "id",
    "country",
    "region",
    "organisations",
    "start",
    "end",
    "languages",
    "roles",
    "local",
    "size",
    "nascent_seat",
    "expertise",
    "exclude",
    "title",
)
EXPERT_KEYS = (
    "id",
    "roles",
    "expertise",
    "sector",
    "country",
    "region",
    "organisation",
    "languages",
    "seniority",
    "availability",
    "conflicts",
    "max_missions",
    "name",
)
TEAM_KEYS = (
    "missions",
    "experts",
    "max_missions_per_expert",
    "seniority_weights",
    "candidates_extra",
    "time_limit",
)


def _opt_str(obj: dict[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    return None if value is None else _str(value, _key(path, key))


def _parse_mission(raw: Any, path: str, expert_ids: dict[Id, int]) -> Mission:
    m = _obj(raw, path, MISSION_KEYS, ("id", "country", "start", "end"))
    start = _date(m["start"], f"{path}.start")
    end = _date(m["end"], f"{path}.end")
    if end < start:
        raise MatchingInputError(f"{path}.end", "must not be before start")
    roles = DEFAULT_ROLES
    if "roles" in m:
        raw_roles = _obj(
            m["roles"], f"{path}.roles", m["roles"] if isinstance(m["roles"], dict) else ()
        )
        roles = {str(k): _nonneg_int(v, f"{path}.roles.{k}") for k, v in raw_roles.items()}
        roles = {k: v for k, v in roles.items() if v > 0}
    local_sectors: list[str] | None = list(DEFAULT_LOCAL_SECTORS)
    if "local" in m:
        local = m["local"]
        if local is None or local is False:
            local_sectors = None
        else:
            spec = _obj(local, f"{path}.local", ("sectors",), ("sectors",))
            local_sectors = _str_list(spec["sectors"], f"{path}.local.sectors")
    size = _pos_int(m.get("size", 3), f"{path}.size")
    if sum(roles.values()) > size:
        raise MatchingInputError(f"{path}.roles", f"needs more experts than size ({size})")
    exclude: set[int] = set()
    for i, value in enumerate(_list(m.get("exclude", []), f"{path}.exclude")):
        exclude.add(expert_ids.get(_id(value, f"{path}.exclude[{i}]"), -1))
    return Mission(
        id=m["id"],
        country=_str(m["country"], f"{path}.country"),
        region=_opt_str(m, "region", path),
        organisations=set(_str_list(m.get("organisations", []), f"{path}.organisations")),
        start=start.toordinal(),
        end=end.toordinal(),
        languages=sorted(set(_str_list(m.get("languages", []), f"{path}.languages"))),
        roles=roles,
        local_sectors=local_sectors,
        size=size,
        nascent_seat=_bool(m.get("nascent_seat", False), f"{path}.nascent_seat"),
        expertise=sorted(set(_str_list(m.get("expertise", []), f"{path}.expertise"))),
        exclude=exclude,
    )


def _parse_expert(raw: Any, path: str, levels: dict[str, float], default_max: int) -> Expert:
    e = _obj(raw, path, EXPERT_KEYS, ("id", "availability"))
    seniority = _str(e.get("seniority", "mid"), f"{path}.seniority")
    if seniority not in levels:
        raise MatchingInputError(f"{path}.seniority", f"must be one of {', '.join(levels)}")
    ranges = []
    for i, item in enumerate(_list(e["availability"], f"{path}.availability")):
        item_path = f"{path}.availability[{i}]"
        rng = _obj(item, item_path, ("start", "end"), ("start", "end"))
        start = _date(rng["start"], f"{item_path}.start")
        end = _date(rng["end"], f"{item_path}.end")
        if end < start:
            raise MatchingInputError(f"{item_path}.end", "must not be before start")
        ranges.append((start.toordinal(), end.toordinal()))
    conflicts = _obj(e.get("conflicts", {}), f"{path}.conflicts", ("countries", "organisations"))
    return Expert(
        id=e["id"],
        roles=set(_str_list(e.get("roles", []), f"{path}.roles")),
        expertise=set(_str_list(e.get("expertise", []), f"{path}.expertise")),
        sector=_opt_str(e, "sector", path),
        country=_opt_str(e, "country", path),
        region=_opt_str(e, "region", path),
        organisation=_opt_str(e, "organisation", path),
        languages=set(_str_list(e.get("languages", []), f"{path}.languages")),
        seniority=seniority,
        availability=ranges,
        conflict_countries=set(
            _str_list(conflicts.get("countries", []), f"{path}.conflicts.countries")
        ),
        conflict_organisations=set(
            _str_list(conflicts.get("organisations", []), f"{path}.conflicts.organisations")
        ),
        max_missions=_nonneg_int(e.get("max_missions", default_max), f"{path}.max_missions"),
    )


@dataclass
class TeamProblem:
    missions: list[Mission]
    experts: list[Expert]
    extra: int | None  # candidates kept per group beyond `size`; None keeps all
    time_limit: float
    levels: dict[str, float]  # seniority weights


def parse_team_input(data: Any) -> TeamProblem:
    data = _obj(data, "", TEAM_KEYS, ("missions", "experts"))
    missions_raw = _list(data["missions"], "missions")
    experts_raw = _list(data["experts"], "experts")
    for i, e in enumerate(experts_raw):
        _obj(e, f"experts[{i}]", EXPERT_KEYS)
    for i, m in enumerate(missions_raw):
        _obj(m, f"missions[{i}]", MISSION_KEYS)
    expert_ids = _index(experts_raw, "experts")
    _index(missions_raw, "missions")
    levels = dict(SENIORITY_WEIGHTS)
    if "seniority_weights" in data:
        raw = data["seniority_weights"]
        weights = _obj(raw, "seniority_weights", raw if isinstance(raw, dict) else ())
        for level, weight in weights.items():
            value = _number(weight, f"seniority_weights.{level}")
            if value < 0:
                raise MatchingInputError(f"seniority_weights.{level}", "must not be negative")
            levels[str(level)] = value
    default_max = _nonneg_int(data.get("max_missions_per_expert", 1), "max_missions_per_expert")
    # Default 4: on the 200 x 1,000 benchmark batches (seeds 1, 2, 7) the result
    # equals that of 10 (and, seed 7, of no pruning) at about 70% of the solve time.
    extra = data.get("candidates_extra", DEFAULT_CANDIDATES_EXTRA)
    if extra is not None:
        extra = _nonneg_int(extra, "candidates_extra")
    time_limit = _number(data.get("time_limit", 30.0), "time_limit")
    if time_limit <= 0:
        raise MatchingInputError("time_limit", "must be positive")
    experts = [
        _parse_expert(e, f"experts[{i}]", levels, default_max) for i, e in enumerate(experts_raw)
    ]
    missions = [_parse_mission(m, f"missions[{i}]", expert_ids) for i, m in enumerate(missions_raw)]
    return TeamProblem(missions, experts, extra, time_limit, levels)


@dataclass
class TeamArrays:
    """Dense per (mission, expert) facts, computed with numpy."""

    eligible: NDArray[np.bool_]
    fit: FloatArray
    local: NDArray[np.bool_]
    nascent: NDArray[np.bool_]  # per expert
    matched: list[list[str]]  # wanted tags per mission, for explanations
    role_index: dict[str, int]  # roles some mission requires -> column of has_role
    has_role: NDArray[np.bool_]  # experts x required roles
    lang_index: dict[str, int]  # languages some mission requires -> column of speaks
    speaks: NDArray[np.bool_]  # experts x required languages


def _codes(values: Iterable[str | None]) -> tuple[IntArray, dict[str | None, int]]:
    """Integer codes for categorical values (None gets a code of its own)."""
    table: dict[str | None, int] = {}
    codes = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64)
    return codes, table


def _membership(sets: list[set[str]], names: dict[str, int]) -> NDArray[np.bool_]:
    out = np.zeros((len(sets), len(names)), dtype=np.bool_)
    rows = [i for i, s in enumerate(sets) for v in s if v in names]
    cols = [names[v] for s in sets for v in s if v in names]
    out[rows, cols] = True
    return out


def _team_arrays(problem: TeamProblem) -> TeamArrays:
    missions, experts, levels = problem.missions, problem.experts, problem.levels
    n_m, n_e = len(missions), len(experts)
    # Availability: the mission's whole date range inside one of the expert's ranges.
    owner = np.array([i for i, e in enumerate(experts) for _ in e.availability], dtype=np.int64)
    r_start = np.array([s for e in experts for s, _ in e.availability], dtype=np.int64)
    r_end = np.array([t for e in experts for _, t in e.availability], dtype=np.int64)
    m_start = np.array([ms.start for ms in missions], dtype=np.int64)
    m_end = np.array([ms.end for ms in missions], dtype=np.int64)
    eligible = np.zeros((n_m, n_e), dtype=np.bool_)
    if owner.size:
        inside = (r_start[None, :] <= m_start[:, None]) & (r_end[None, :] >= m_end[:, None])
        rows, ranges = np.nonzero(inside)
        eligible[rows, owner[ranges]] = True
    # Conflicts, grouped so that each mission costs a few set look-ups.
    by_country: dict[str, list[int]] = {}
    by_org: dict[str, list[int]] = {}
    for i, e in enumerate(experts):
        for c in e.conflict_countries:
            by_country.setdefault(c, []).append(i)
        for o in e.conflict_organisations | ({e.organisation} if e.organisation else set()):
            by_org.setdefault(o, []).append(i)
    for m, mission in enumerate(missions):
        banned = list(by_country.get(mission.country, []))
        for o in mission.organisations:
            banned.extend(by_org.get(o, []))
        banned.extend(i for i in mission.exclude if i >= 0)
        eligible[m, banned] = False
    eligible[:, [i for i, e in enumerate(experts) if e.max_missions == 0]] = False

    tags = sorted({t for m in missions for t in m.expertise})
    tag_index = {t: k for k, t in enumerate(tags)}
    fit = np.zeros((n_m, n_e), dtype=np.float64)
    if tags:
        have = _membership([e.expertise for e in experts], tag_index).astype(np.float64)
        want = _membership([set(ms.expertise) for ms in missions], tag_index).astype(np.float64)
        wanted = np.array([max(1, len(ms.expertise)) for ms in missions], dtype=np.float64)
        fit = (want @ have.T) / wanted[:, None]
    weights = np.array([levels[e.seniority] for e in experts], dtype=np.float64)
    fit = np.round(fit + weights[None, :], 6)

    # Regional private-sector/academia rule: listed sector, and same country or region.
    sector, sectors_code = _codes(e.sector for e in experts)
    country, countries_code = _codes(e.country for e in experts)
    region, regions_code = _codes(e.region for e in experts)
    local = np.zeros((n_m, n_e), dtype=np.bool_)
    for m, ms in enumerate(missions):
        if ms.local_sectors is None:
            continue
        wanted_sectors = [sectors_code[s] for s in ms.local_sectors if s in sectors_code]
        near = country == countries_code.get(ms.country, -1)
        if ms.region is not None:
            near |= region == regions_code.get(ms.region, -1)
        local[m] = np.isin(sector, wanted_sectors) & near
    nascent = np.array([e.seniority == NASCENT for e in experts], dtype=np.bool_)
    matched = [list(ms.expertise) for ms in missions]
    role_index = {r: k for k, r in enumerate(sorted({r for ms in missions for r in ms.roles}))}
    lang_index = {g: k for k, g in enumerate(sorted({g for ms in missions for g in ms.languages}))}
    has_role = _membership([e.roles for e in experts], role_index)
    speaks = _membership([e.languages for e in experts], lang_index)
    return TeamArrays(
        eligible, fit, local, nascent, matched, role_index, has_role, lang_index, speaks
    )


def _signature(problem: TeamProblem, arrays: TeamArrays, m: int, who: IntArray) -> IntArray:
    """Coverage signature of experts `who` for mission m, as group codes.

    Columns: each required role held, regional-sector status, each required
    language spoken. Experts with equal signatures differ only by fit.
    """
    mission = problem.missions[m]
    roles = [arrays.role_index[r] for r in mission.roles]
    langs = [arrays.lang_index[g] for g in mission.languages]
    table = np.column_stack(
        [
            arrays.has_role[np.ix_(who, roles)],
            arrays.local[m, who],
            arrays.speaks[np.ix_(who, langs)],
        ]
    )
    _, code = np.unique(table, axis=0, return_inverse=True)
    return np.asarray(code, dtype=np.int64).ravel()


def _candidates(problem: TeamProblem, arrays: TeamArrays, m: int) -> tuple[IntArray, IntArray]:
    """Regular and nascent candidates for mission m.

    Regular experts with the same coverage signature (required roles held,
    regional-sector status, required languages spoken) are interchangeable but
    for fit, so keeping the best `size + extra` of each signature loses nothing
    for a lone mission (extra >= 0) and little in a batch.
    """
    mission = problem.missions[m]
    regular = np.flatnonzero(arrays.eligible[m] & ~arrays.nascent)
    nascent = (
        np.flatnonzero(arrays.eligible[m] & arrays.nascent)
        if mission.nascent_seat
        else (np.zeros(0, dtype=np.int64))
    )
    fit = arrays.fit[m]
    if problem.extra is None or regular.size == 0:
        return regular, nascent
    keep = mission.size + problem.extra
    code = _signature(problem, arrays, m, regular)
    order = np.lexsort((-fit[regular], code))
    sorted_code = code[order]
    group_start = np.r_[0, np.flatnonzero(sorted_code[1:] != sorted_code[:-1]) + 1]
    sizes = np.diff(np.r_[group_start, len(order)])
    rank = np.arange(len(order)) - np.repeat(group_start, sizes)
    regular = np.sort(regular[order[rank < keep]])
    nascent = nascent[np.argsort(-fit[nascent], kind="stable")[: 1 + problem.extra]]
    return regular, nascent


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


def solve_teams(problem: TeamProblem) -> dict[str, Any]:
    missions, experts = problem.missions, problem.experts
    arrays = _team_arrays(problem)
    model = _Model()
    max_fit = float(arrays.fit.max()) if arrays.fit.size else 0.0
    # Any unit of coverage outweighs all fit in the instance together.
    big = sum(m.size + 1 for m in missions) * (max_fit + 2.0) + 1.0
    # Member (x) and shadow (z) columns: mission, expert, column.
    seat_m: list[IntArray] = []
    seat_e: list[IntArray] = []
    seat_c: list[IntArray] = []
    seat_x: list[NDArray[np.bool_]] = []  # True for x (regular), False for z (nascent)
    y_col: dict[tuple[int, int, str], int] = {}

    for m, mission in enumerate(missions):
        regular, nascent = _candidates(problem, arrays, m)
        fit = arrays.fit[m]
        n_reg = len(regular)
        xs = model.columns(-fit[regular])
        seat_m.append(np.full(n_reg, m, dtype=np.int64))
        seat_e.append(regular)
        seat_c.append(xs)
        seat_x.append(np.ones(n_reg, dtype=np.bool_))
        rules = _rules(mission)
        slack = model.columns(np.full(len(rules) + 1, big), integer=False, upper=np.inf)
        slack_of = dict(zip([*rules, "size"], slack.tolist(), strict=True))

        roles = list(mission.roles)
        if roles:
            held = arrays.has_role[np.ix_(regular, [arrays.role_index[r] for r in roles])]
            count = held.sum(axis=1)
            # One expert fills one role seat: y variables pick which.
            multi = np.flatnonzero(count > 1)
            mi, mj = np.nonzero(held[multi])
            ys = model.columns(np.zeros(len(mi)))
            for e, r, col in zip(
                regular[multi[mi]].tolist(), mj.tolist(), ys.tolist(), strict=True
            ):
                y_col[(m, e, roles[r])] = col
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
            seat_m.append(np.full(len(nascent), m, dtype=np.int64))
            seat_e.append(nascent)
            seat_c.append(zs)
            seat_x.append(np.zeros(len(nascent), dtype=np.bool_))
            model.row(zs, -np.inf, 1.0)

    all_m = np.concatenate([np.zeros(0, dtype=np.int64), *seat_m])
    all_e = np.concatenate([np.zeros(0, dtype=np.int64), *seat_e])
    all_c = np.concatenate([np.zeros(0, dtype=np.int64), *seat_c])
    all_x = np.concatenate([np.zeros(0, dtype=np.bool_), *seat_x])

    # Experts: one mission at a time (a row per maximal clique of overlapping
    # missions) and at most max_missions in all.
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
        team = _explain_team(problem, arrays, m, chosen[m], shadow[m], y_col, on, team_of)
        total_fit += team["total_fit"]
        teams.append(team)
    return {
        "teams": teams,
        "total_fit": round(total_fit, 6),
        "status": status,
        "pruned": problem.extra is not None,
    }


def _explain_team(
    problem: TeamProblem,
    arrays: TeamArrays,
    m: int,
    chosen: list[int],
    shadow: list[int],
    y_col: dict[tuple[int, int, str], int],
    on: NDArray[np.bool_],
    team_of: dict[int, list[int]],
) -> dict[str, Any]:
    mission = problem.missions[m]
    experts = problem.experts
    fit = arrays.fit[m]
    chosen.sort(key=lambda e: (-fit[e], e))
    in_team = set(chosen)

    def covers(e: int) -> list[str]:
        out = [f"role:{r}" for r in mission.roles if r in experts[e].roles]
        if arrays.local[m, e]:
            out.append("local")
        out.extend(f"language:{lang}" for lang in mission.languages if lang in experts[e].languages)
        return out

    # Seats: role seats first (the solver's choice for multi-role experts),
    # then the regional-sector seat, then languages nobody else covers.
    seat: dict[int, str] = {}
    for r, count in mission.roles.items():
        holders = [
            e
            for e in chosen
            if e not in seat
            and r in experts[e].roles
            and all(
                (m, e, r2) not in y_col or on[y_col[(m, e, r2)]] == (r2 == r)
                for r2 in mission.roles
            )
        ]
        for e in holders[:count]:
            seat[e] = f"role:{r}"
    if mission.local_sectors is not None and not any(arrays.local[m, e] for e in seat):
        local = [e for e in chosen if e not in seat and arrays.local[m, e]]
        if local:
            seat[local[0]] = "local"
    for lang in mission.languages:
        if not any(lang in experts[e].languages for e in seat):
            speakers = [e for e in chosen if e not in seat and lang in experts[e].languages]
            if speakers:
                seat[speakers[0]] = f"language:{lang}"

    ranked = np.flatnonzero(arrays.eligible[m])
    ranked = ranked[np.argsort(-fit[ranked], kind="stable")]

    def runner_up(kind: str, nascent: bool, exclude: set[int]) -> dict[str, Any] | None:
        for e in ranked.tolist():
            if e in exclude or bool(arrays.nascent[e]) != nascent:
                continue
            ok = (
                kind in ("general", "nascent")
                or (kind == "local" and arrays.local[m, e])
                or (kind.startswith("role:") and kind[5:] in experts[e].roles)
                or (kind.startswith("language:") and kind[9:] in experts[e].languages)
            )
            if ok:
                elsewhere = [problem.missions[o].id for o in team_of.get(e, []) if o != m]
                return {
                    "expert": experts[e].id,
                    "fit": float(fit[e]),
                    "assigned_to": elsewhere[0] if elsewhere else None,
                }
        return None

    wanted = set(mission.expertise)

    def describe(e: int, kind: str) -> dict[str, Any]:
        matched = sorted(wanted & experts[e].expertise)
        cov = covers(e)
        parts: list[Clause] = []
        if kind.startswith("role:"):
            parts.append((gettext_noop("fills the required %(role)s role"), {"role": kind[5:]}))
        elif kind == "local":
            parts.append((gettext_noop("covers the regional private-sector/academia rule"), {}))
        elif kind.startswith("language:"):
            parts.append(
                (gettext_noop("covers the required language %(language)s"), {"language": kind[9:]})
            )
        elif kind == "nascent":
            parts.append((gettext_noop("nascent specialist shadowing the team"), {}))
        else:
            parts.append((gettext_noop("best remaining expertise fit"), {}))
        also = [c for c in cov if c != kind]
        if also:
            parts.append((gettext_noop("also covers %(rules)s"), {"rules": ", ".join(also)}))
        score = {"fit": f"{fit[e]:.3f}", "seniority": experts[e].seniority}
        if matched:
            parts.append(
                (
                    gettext_noop("fit %(fit)s (%(seniority)s; matches %(expertise)s)"),
                    {**score, "expertise": ", ".join(matched)},
                )
            )
        else:
            parts.append((gettext_noop("fit %(fit)s (%(seniority)s)"), score))
        return {
            "expert": experts[e].id,
            "seat": kind,
            "covers": cov,
            "fit": float(fit[e]),
            "matched_expertise": matched,
            "reason": _render(parts),
            "reason_parts": [[template, params] for template, params in parts],
            "runner_up": runner_up(kind, kind == "nascent", in_team | set(shadow)),
        }

    members = [describe(e, seat.get(e, "general")) for e in chosen]
    nascent = describe(shadow[0], "nascent") if shadow else None

    missing = []
    cands = ranked[~arrays.nascent[ranked]]
    for r, count in mission.roles.items():
        have = sum(1 for e in chosen if seat.get(e) == f"role:{r}")
        if have < count:
            n = int(sum(r in experts[e].roles for e in cands.tolist()))
            missing.append(
                {"rule": f"role:{r}", "needed": count, "covered": have, "eligible_candidates": n}
            )
    if mission.local_sectors is not None and not any(arrays.local[m, e] for e in chosen):
        n = int(arrays.local[m, cands].sum())
        missing.append({"rule": "local", "needed": 1, "covered": 0, "eligible_candidates": n})
    for lang in mission.languages:
        if not any(lang in experts[e].languages for e in chosen):
            n = int(sum(lang in experts[e].languages for e in cands.tolist()))
            missing.append(
                {"rule": f"language:{lang}", "needed": 1, "covered": 0, "eligible_candidates": n}
            )
    if len(chosen) < mission.size:
        missing.append(
            {
                "rule": "size",
                "needed": mission.size,
                "covered": len(chosen),
                "eligible_candidates": len(cands),
            }
        )
    team_fit = float(fit[chosen].sum() + fit[shadow].sum())
    return {
        "mission": mission.id,
        "complete": not missing,
        "members": members,
        "nascent": nascent,
        "missing": missing,
        "total_fit": round(team_fit, 6),
    }


def match_team(data: dict[str, Any]) -> dict[str, Any]:
    """JSON contract for `reef match team FILE --json` (see docs/matching.md)."""
    return solve_teams(parse_team_input(data))


# --------------------------------------------------------------------------- mentors

MENTOR_LEVELS = ("senior", "principal")


def _person(raw: Any, path: str, mentor: bool) -> dict[str, Any]:
    keys = ("id", "fields", "languages", "country", "region", "name")
    obj = _obj(raw, path, (*keys, "capacity") if mentor else keys, ("id",))
    capacity = 1
    if mentor:
        capacity = obj.get("capacity", 1)
        if capacity not in (1, 2) or isinstance(capacity, bool):
            raise MatchingInputError(f"{path}.capacity", "must be 1 or 2")
    return {
        "id": _id(obj["id"], f"{path}.id"),
        "fields": set(_str_list(obj.get("fields", []), f"{path}.fields")),
        "languages": set(_str_list(obj.get("languages", []), f"{path}.languages")),
        "country": _opt_str(obj, "country", path),
        "region": _opt_str(obj, "region", path),
        "capacity": capacity,
    }


def match_mentors(data: dict[str, Any]) -> dict[str, Any]:
    """Pair nascent specialists with senior mentors (`reef match mentors FILE --json`).

    Score = Jaccard overlap of fields + 0.3 same country (or 0.15 same region).
    A shared language is required. Maximises the total score.
    """
    data = _obj(data, "", ("mentees", "mentors"), ("mentees", "mentors"))
    mentees_raw = _list(data["mentees"], "mentees")
    mentors_raw = _list(data["mentors"], "mentors")
    for i, item in enumerate(mentees_raw):
        _obj(item, f"mentees[{i}]", ("id", "fields", "languages", "country", "region", "name"))
    for i, item in enumerate(mentors_raw):
        _obj(
            item,
            f"mentors[{i}]",
            ("id", "fields", "languages", "country", "region", "name", "capacity"),
        )
    _index(mentees_raw, "mentees")
    _index(mentors_raw, "mentors")
    mentees = [_person(x, f"mentees[{i}]", False) for i, x in enumerate(mentees_raw)]
    mentors = [_person(x, f"mentors[{i}]", True) for i, x in enumerate(mentors_raw)]
    slots = [j for j, mentor in enumerate(mentors) for _ in range(mentor["capacity"])]
    n_a, n_b = len(mentees), len(slots)
    score = np.zeros((n_a, len(mentors)))
    allowed = np.zeros((n_a, len(mentors)), dtype=np.bool_)
    for i, a in enumerate(mentees):
        for j, b in enumerate(mentors):
            allowed[i, j] = bool(a["languages"] & b["languages"])
            union = a["fields"] | b["fields"]
            s = len(a["fields"] & b["fields"]) / len(union) if union else 0.0
            if a["country"] and a["country"] == b["country"]:
                s += 0.3
            elif a["region"] and a["region"] == b["region"]:
                s += 0.15
            score[i, j] = round(s, 6)
    pairs = []
    if n_a and n_b:
        slot_score = score[:, slots]
        slot_allowed = allowed[:, slots]
        # Forbidden pairs get a cost that no allowed pairing can beat, then are dropped.
        cost = np.where(slot_allowed, -slot_score - 1.0, 0.0)
        rows, cols = linear_sum_assignment(cost)
        for i, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if slot_allowed[i, c]:
                j = slots[c]
                shared = sorted(mentees[i]["fields"] & mentors[j]["fields"])
                langs = sorted(mentees[i]["languages"] & mentors[j]["languages"])
                parts: list[Clause] = [
                    (
                        gettext_noop("shares languages %(languages)s"),
                        {"languages": ", ".join(langs)},
                    )
                ]
                if shared:
                    parts.append((gettext_noop("fields %(fields)s"), {"fields": ", ".join(shared)}))
                if mentees[i]["country"] and mentees[i]["country"] == mentors[j]["country"]:
                    parts.append((gettext_noop("same country"), {}))
                elif mentees[i]["region"] and mentees[i]["region"] == mentors[j]["region"]:
                    parts.append((gettext_noop("same region"), {}))
                pairs.append(
                    {
                        "mentee": mentees[i]["id"],
                        "mentor": mentors[j]["id"],
                        "score": float(score[i, j]),
                        "reason": _render(parts),
                        "reason_parts": [[template, params] for template, params in parts],
                    }
                )
    paired = {p["mentee"] for p in pairs}
    return {
        "pairs": pairs,
        "total": round(sum(p["score"] for p in pairs), 6),
        "unmatched": [a["id"] for a in mentees if a["id"] not in paired],
    }
