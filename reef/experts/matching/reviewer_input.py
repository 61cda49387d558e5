"""Reviewer assignment input: checked against ``schema/reviewers.schema.json``, then turned
into dense arrays (`ReviewerProblem`).

Affinities can number millions: their records (and the conflicts) are converted in a few
C-level passes, and only when that fails does a slow pass find and name the bad record.
The schema check of the rest of the document leaves those long lists out.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from reef.experts.affinity import text_affinity
from reef.experts.matching.validate import (
    DATA,
    Id,
    MatchingInputError,
    Problems,
    check,
    check_item,
    fail,
    index_ids,
    item_validator,
    lookup,
    schema_keys,
)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
KIND = "reviewers"
REVIEWER_KEYS = schema_keys(KIND)
#: Lists that can be long: converted by the fast paths below, not by the schema check.
BULK = ("affinity", "affinity_matrix", "conflicts", "declined")


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


def _pairs_slow(
    items: list[Any], key: str, pidx: dict[Id, int], ridx: dict[Id, int], filename: str
) -> list[tuple[int, int]]:
    """(proposal, reviewer) indices of a list of pairs, record by record: names the first
    bad one (its shape, then its ids)."""
    item = item_validator(KIND, key)
    out = []
    for i, rec in enumerate(items):
        check_item(rec, item, key, i, filename)
        out.append(
            (
                lookup(pidx, rec["proposal"], f"{key}[{i}].proposal", "proposal", filename),
                lookup(ridx, rec["reviewer"], f"{key}[{i}].reviewer", "reviewer", filename),
            )
        )
    return out


def _pairs(
    items: list[Any], key: str, pidx: dict[Id, int], ridx: dict[Id, int], filename: str
) -> list[tuple[int, int]]:
    """(proposal, reviewer) indices of a short list of pairs the schema already checked."""
    return [
        (
            lookup(pidx, rec["proposal"], f"{key}[{i}].proposal", "proposal", filename),
            lookup(ridx, rec["reviewer"], f"{key}[{i}].reviewer", "reviewer", filename),
        )
        for i, rec in enumerate(items)
    ]


def _parse_affinity_records(
    records: list[Any], pidx: dict[Id, int], ridx: dict[Id, int], filename: str
) -> FloatArray:
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
        _pairs_slow(records, "affinity", pidx, ridx, filename)
        raise  # pragma: no cover - the slow pass names the bad record
    linear = p_idx * n_r + r_idx
    counts = np.bincount(linear, minlength=n_p * n_r)
    if counts.max() > 1:
        _, first = np.unique(linear, return_index=True)
        repeat = np.ones(n, dtype=np.bool_)
        repeat[first] = False
        index = int(np.flatnonzero(repeat)[0])
        fail(filename, f"affinity[{index}]", "duplicate (proposal, reviewer) pair")
    matrix.ravel()[linear] = values
    return matrix


def _parse_affinity_matrix(rows: list[Any], n_p: int, n_r: int, filename: str) -> FloatArray:
    if not all(isinstance(row, list) for row in rows) or not set(
        map(type, itertools.chain.from_iterable(rows))
    ) <= {float, int}:
        row_schema = item_validator(KIND, "affinity_matrix")
        for i, row in enumerate(rows):
            check_item(row, row_schema, "affinity_matrix", i, filename)
    if len(rows) != n_p:
        fail(filename, "affinity_matrix", f"must have one row per proposal ({n_p})")
    for i, row in enumerate(rows):
        if len(row) != n_r:
            fail(
                filename,
                f"affinity_matrix[{i}]",
                f"must be a list of {n_r} numbers (one per reviewer)",
            )
    if n_p == 0 or n_r == 0:
        return np.zeros((n_p, n_r), dtype=np.float64)
    matrix = np.asarray(rows, dtype=np.float64)
    bad = np.argwhere(~np.isfinite(matrix))
    if bad.size:
        fail(filename, f"affinity_matrix[{bad[0][0]}][{bad[0][1]}]", "must be finite")
    return matrix


def _pair_arrays(
    items: list[Any], key: str, pidx: dict[Id, int], ridx: dict[Id, int], filename: str
) -> tuple[IntArray, IntArray]:
    """A list of pairs as index arrays, with a C-level fast path for long lists (conflicts)."""
    n = len(items)
    try:
        if n and set(map(len, items)) != {2}:
            raise LookupError
        p_idx = _lookup_all(pidx, map(itemgetter("proposal"), items), n)
        r_idx = _lookup_all(ridx, map(itemgetter("reviewer"), items), n)
    except (LookupError, TypeError, ValueError, OverflowError):
        pairs = _pairs_slow(items, key, pidx, ridx, filename)
        p_idx = np.array([p for p, _ in pairs], dtype=np.int64)
        r_idx = np.array([r for _, r in pairs], dtype=np.int64)
    return p_idx, r_idx


def _text_affinity(data: dict[str, Any]) -> FloatArray:
    """Scores from the proposals' and reviewers' texts (the schema checked their types)."""
    texts = [p.get("text", "") for p in data["proposals"]]
    docs: list[list[str]] = []
    for r in data["reviewers"]:
        text = r.get("text", "")
        own = [text] if isinstance(text, str) else list(text)
        if "expertise" in r:
            own.append(" ".join(r["expertise"]))
        docs.append([d for d in own if d.strip()])
    return text_affinity(texts, docs, data.get("affinity_method", "tfidf"))


def _check_fixed(
    fixed: list[tuple[int, int]],
    forbidden: NDArray[np.bool_],
    needs: IntArray,
    loads: IntArray,
    filename: str,
) -> None:
    seen: set[tuple[int, int]] = set()
    fixed_need = np.zeros_like(needs)
    fixed_load = np.zeros_like(loads)
    problems = Problems(filename)
    for i, (p, r) in enumerate(fixed):
        if forbidden[p, r]:
            problems.add(f"fixed[{i}]", "pair is also a conflict or was declined")
        elif (p, r) in seen:
            problems.add(f"fixed[{i}]", "duplicate pair")
        seen.add((p, r))
        fixed_need[p] += 1
        fixed_load[r] += 1
        if fixed_need[p] == needs[p] + 1:
            problems.add(f"fixed[{i}]", "more fixed reviewers than the proposal needs")
        if fixed_load[r] == loads[r] + 1:
            problems.add(f"fixed[{i}]", "exceeds the reviewer's max_load")
    problems.raise_any()


def _without_bulk(data: dict[str, Any]) -> dict[str, Any]:
    """The document with its long lists emptied, for the schema check."""
    return {k: [] if k in BULK and isinstance(v, list) else v for k, v in data.items()}


def parse_reviewer_input(data: Any, filename: str = DATA) -> ReviewerProblem:
    """Check the `match_reviewers` JSON and build dense arrays."""
    check(_without_bulk(data) if isinstance(data, dict) else data, KIND, filename)
    proposals, reviewers = data["proposals"], data["reviewers"]
    pidx = index_ids(proposals, "proposals", filename)
    ridx = index_ids(reviewers, "reviewers", filename)
    needs = np.array([p["needs"] for p in proposals], dtype=np.int64)
    loads = np.array([r["max_load"] for r in reviewers], dtype=np.int64)
    if "affinity_matrix" in data:
        affinity = _parse_affinity_matrix(data["affinity_matrix"], len(pidx), len(ridx), filename)
    elif "affinity" in data:
        affinity = _parse_affinity_records(data["affinity"], pidx, ridx, filename)
    else:
        affinity = _text_affinity(data)
    forbidden = np.zeros(affinity.shape, dtype=np.bool_)
    for key in ("conflicts", "declined"):
        p_idx, r_idx = _pair_arrays(data.get(key, []), key, pidx, ridx, filename)
        forbidden[p_idx, r_idx] = True
    fixed = _pairs(data.get("fixed", []), "fixed", pidx, ridx, filename)
    _check_fixed(fixed, forbidden, needs, loads, filename)
    return ReviewerProblem(
        proposal_ids=list(pidx),
        reviewer_ids=list(ridx),
        needs=needs,
        loads=loads,
        affinity=affinity,
        forbidden=forbidden,
        fixed=fixed,
        objective=data.get("objective", "total"),
        time_limit=float(data.get("time_limit", 60.0)),
    )


__all__ = ["REVIEWER_KEYS", "MatchingInputError", "ReviewerProblem", "parse_reviewer_input"]
