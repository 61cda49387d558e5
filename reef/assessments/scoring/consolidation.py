"""From the ratings of each indicator to one consolidated value, decisions applied."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np

from reef.assessments.scoring.index import _compile, _Index
from reef.assessments.scoring.values import (
    _CODE,
    _N_KNOWN,
    CONSOLIDATED_VALUES,
    DISPUTED,
    RATING_VALUES,
    UNKNOWN,
    IntArray,
    Rating,
    ScoringError,
)
from reef.frameworks.formats import Framework


def _majority(counts: IntArray) -> IntArray:
    """Consolidated codes from per-indicator counts of the four known values."""
    known = counts.sum(axis=1)
    top = counts.argmax(axis=1)
    top_count = counts.max(axis=1)
    out = np.where(2 * top_count > known, top, DISPUTED)
    return np.where(known == 0, UNKNOWN, out).astype(np.int64)


def consolidate_one(values: Iterable[str]) -> str:
    """Consolidate the ratings of one indicator (one value per assessor)."""
    counts = np.zeros((1, _N_KNOWN), dtype=np.int64)
    for v in values:
        code = _code(v, "rating")
        if code < _N_KNOWN:
            counts[0, code] += 1
    return CONSOLIDATED_VALUES[int(_majority(counts)[0])]


def _code(value: str, what: str) -> int:
    code = _CODE.get(value)
    if code is None or code == DISPUTED:
        raise ScoringError(f"{what} value {value!r} is not one of {', '.join(RATING_VALUES)}")
    return code


def _consolidate_codes(
    index: _Index, ratings: Iterable[Rating], decisions: Mapping[str, str]
) -> IntArray:
    """Consolidated code of every indicator (framework order), decisions applied."""
    position = index.position
    latest: dict[tuple[int, Hashable], int] = {}
    for key, assessor, value in ratings:
        pos = position.get(key)
        if pos is None:
            raise ScoringError(f"rating for unknown indicator {key!r}")
        # Later ratings by the same assessor replace earlier ones.
        latest[(pos, assessor)] = _code(value, f"rating of {key!r}:")
    n = len(index.keys)
    if latest:
        flat = np.fromiter(
            (pos * _N_KNOWN + code for (pos, _), code in latest.items() if code < _N_KNOWN),
            dtype=np.int64,
        )
        counts = np.bincount(flat, minlength=n * _N_KNOWN).reshape(n, _N_KNOWN)
    else:
        counts = np.zeros((n, _N_KNOWN), dtype=np.int64)
    final = _majority(counts)
    for key, value in decisions.items():
        pos = position.get(key)
        if pos is None:
            raise ScoringError(f"decision for unknown indicator {key!r}")
        final[pos] = _code(value, f"decision on {key!r}:")
    return final


def consolidate(
    framework: Framework, ratings: Iterable[Rating], decisions: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Consolidated value of every indicator, decisions applied."""
    index = _compile(framework)
    final = _consolidate_codes(index, ratings, decisions or {})
    return {k: CONSOLIDATED_VALUES[c] for k, c in zip(index.keys, final.tolist(), strict=True)}
