"""The scoring engine: from individual ratings to stages, scores, gaps.

Pure (no Django import) and vectorised with numpy: a framework is compiled once
into index arrays (memoised on the framework) and every assessment is then a
handful of ``bincount`` calls.

Rules (see docs/frameworks.md for the full text):

* Ratings are ``met``, ``partial``, ``not_met``, ``na`` or ``unknown``; one per
  assessor and indicator (a later rating by the same assessor replaces an
  earlier one).
* Consolidation per indicator: ``unknown`` ratings are left out; a value held by
  a strict majority of the remaining ratings is the consolidated value; no
  remaining ratings gives ``unknown``; anything else is ``disputed``. A recorded
  decision overrides the ratings.
* For stages, only ``met`` and ``na`` count as met; ``partial``, ``not_met``,
  ``unknown`` and ``disputed`` do not.
* Staged: an aspect is at the highest stage s such that every indicator of
  stages 2..s is met (or na); stage 1 otherwise. ``progress`` is the share of
  the next stage's indicators that are met (na = 1, partial = 1/2), 0 at stage 5.
* Scored: a pillar's score is ``max * sum(w * v) / sum(w)`` over its indicators
  that are not ``na``, with ``w = points * weight`` and ``v`` 1 for met, 1/2 for
  partial, 0 otherwise; 0 when every indicator is ``na``. Total is the sum; the
  tier is the best (lowest-numbered) tier whose cut-off is <= the rounded total.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from reef.frameworks.formats import Framework

__all__ = [
    "CONSOLIDATED_VALUES",
    "RATING_VALUES",
    "AspectResult",
    "Change",
    "Comparison",
    "Gap",
    "PillarResult",
    "Result",
    "ScoringError",
    "SummaryResult",
    "compare",
    "consolidate",
    "consolidate_one",
    "score",
]

RATING_VALUES = ("met", "partial", "not_met", "na", "unknown")
CONSOLIDATED_VALUES = (*RATING_VALUES, "disputed")

# Codes follow RATING_VALUES; the first four are the "known" values counted
# towards a majority.
MET, PARTIAL, NOT_MET, NA, UNKNOWN, DISPUTED = range(6)
_CODE = {v: i for i, v in enumerate(CONSOLIDATED_VALUES)}
_N_KNOWN = 4
# Credit an indicator's consolidated value earns towards progress and scores.
_CREDIT = np.array([1.0, 0.5, 0.0, 1.0, 0.0, 0.0])
# Stage slots 0..5 so an indicator's stage can index directly.
_SLOTS = 6

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Rating = tuple[str, Hashable, str]


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue; the Django layer translates it."""
    return message


class ScoringError(ValueError):
    """Ratings, decisions or targets that do not fit the framework.

    ``str(error)`` is the English text; ``template`` and ``params`` let the Django layer
    translate it (``gettext(error.template) % error.params``) when ``params`` is given.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.template = message
        self.params = params


# ------------------------------------------------------------------ compiled index


@dataclass(frozen=True)
class _Index:
    keys: tuple[str, ...]
    position: dict[str, int]
    # staged
    ind_aspect: IntArray
    ind_stage: IntArray
    aspect_keys: tuple[str, ...]
    aspect_position: dict[str, int]
    aspect_indicators: tuple[IntArray, ...]
    factor_keys: tuple[str, ...]
    factor_starts: IntArray  # first aspect of each factor (aspects are contiguous)
    dimension_keys: tuple[str, ...]
    dimension_starts: IntArray
    # scored
    ind_pillar: IntArray
    ind_weight: FloatArray
    pillar_keys: tuple[str, ...]
    pillar_position: dict[str, int]
    pillar_max: FloatArray
    pillar_indicators: tuple[IntArray, ...]


def _compile(fw: Framework) -> _Index:
    cached = fw.cache.get("scoring")
    if isinstance(cached, _Index):
        return cached
    keys = tuple(i.key for i in fw.indicators)
    empty_i = np.zeros(0, dtype=np.int64)
    empty_f = np.zeros(0, dtype=np.float64)
    if fw.kind == "staged":
        aspects = list(fw.aspects)
        ind_aspect: list[int] = []
        ind_stage: list[int] = []
        per_aspect: list[IntArray] = []
        for ai, a in enumerate(aspects):
            start = len(ind_aspect)
            for ind in a.indicators:
                ind_aspect.append(ai)
                ind_stage.append(ind.stage or 0)
            per_aspect.append(np.arange(start, len(ind_aspect), dtype=np.int64))
        factor_starts: list[int] = []
        dimension_starts: list[int] = []
        n = 0
        for d in fw.dimensions:
            dimension_starts.append(n)
            for f in d.factors:
                factor_starts.append(n)
                n += len(f.aspects)
        index = _Index(
            keys=keys,
            position={k: i for i, k in enumerate(keys)},
            ind_aspect=np.array(ind_aspect, dtype=np.int64),
            ind_stage=np.array(ind_stage, dtype=np.int64),
            aspect_keys=tuple(a.key for a in aspects),
            aspect_position={a.key: i for i, a in enumerate(aspects)},
            aspect_indicators=tuple(per_aspect),
            factor_keys=tuple(f.key for f in fw.factors),
            factor_starts=np.array(factor_starts, dtype=np.int64),
            dimension_keys=tuple(d.key for d in fw.dimensions),
            dimension_starts=np.array(dimension_starts, dtype=np.int64),
            ind_pillar=empty_i,
            ind_weight=empty_f,
            pillar_keys=(),
            pillar_position={},
            pillar_max=empty_f,
            pillar_indicators=(),
        )
    else:
        ind_pillar: list[int] = []
        weights: list[float] = []
        per_pillar: list[IntArray] = []
        for pi, p in enumerate(fw.pillars):
            start = len(ind_pillar)
            for ind in p.indicators:
                ind_pillar.append(pi)
                weights.append(float(ind.points or 0) * float(ind.weight or 0))
            per_pillar.append(np.arange(start, len(ind_pillar), dtype=np.int64))
        index = _Index(
            keys=keys,
            position={k: i for i, k in enumerate(keys)},
            ind_aspect=empty_i,
            ind_stage=empty_i,
            aspect_keys=(),
            aspect_position={},
            aspect_indicators=(),
            factor_keys=(),
            factor_starts=empty_i,
            dimension_keys=(),
            dimension_starts=empty_i,
            ind_pillar=np.array(ind_pillar, dtype=np.int64),
            ind_weight=np.array(weights, dtype=np.float64),
            pillar_keys=tuple(p.key for p in fw.pillars),
            pillar_position={p.key: i for i, p in enumerate(fw.pillars)},
            pillar_max=np.array([float(p.max) for p in fw.pillars], dtype=np.float64),
            pillar_indicators=tuple(per_pillar),
        )
    fw.cache["scoring"] = index
    return index


# ------------------------------------------------------------------ consolidation


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


# ----------------------------------------------------------------------- results


@dataclass(frozen=True)
class AspectResult:
    key: str
    stage: int
    progress: float
    target: int | None


@dataclass(frozen=True)
class SummaryResult:
    """Stage spread of the aspects under a factor or dimension."""

    key: str
    stage_min: int
    stage_max: int
    stage_mean: float


@dataclass(frozen=True)
class PillarResult:
    key: str
    score: float


@dataclass(frozen=True)
class Gap:
    """An aspect (or pillar) below its target, and the indicators still missing."""

    key: str
    target: float
    missing: tuple[str, ...]
    stage: int | None = None  # staged frameworks
    score: float | None = None  # scored frameworks


@dataclass(frozen=True)
class Result:
    framework_slug: str
    framework_version: str
    kind: Literal["staged", "scored"]
    country: str
    cycle: str | int
    aspects: tuple[AspectResult, ...] = ()
    factors: tuple[SummaryResult, ...] = ()
    dimensions: tuple[SummaryResult, ...] = ()
    pillars: tuple[PillarResult, ...] = ()
    total: float | None = None
    tier: int | None = None
    disputed: tuple[str, ...] = ()
    gaps: tuple[Gap, ...] = ()
    # Consolidated value per indicator (after decisions); not part of the export.
    values: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON of ``reef assessment export ID --json``."""
        out: dict[str, Any] = {
            "framework": {"slug": self.framework_slug, "version": self.framework_version},
            "country": self.country,
            "cycle": self.cycle,
        }
        if self.kind == "staged":
            out["aspects"] = [
                {"key": a.key, "stage": a.stage, "progress": a.progress, "target": a.target}
                for a in self.aspects
            ]
            out["factors"] = [_summary_dict(s) for s in self.factors]
            out["dimensions"] = [_summary_dict(s) for s in self.dimensions]
            out["disputed"] = list(self.disputed)
            out["gaps"] = [
                {"aspect": g.key, "stage": g.stage, "target": g.target, "missing": list(g.missing)}
                for g in self.gaps
            ]
        else:
            out["pillars"] = [{"key": p.key, "score": p.score} for p in self.pillars]
            out["total"] = self.total
            out["tier"] = self.tier
            out["disputed"] = list(self.disputed)
            out["gaps"] = [
                {"pillar": g.key, "score": g.score, "target": g.target, "missing": list(g.missing)}
                for g in self.gaps
            ]
        return out


def _summary_dict(s: SummaryResult) -> dict[str, Any]:
    return {
        "key": s.key,
        "stage_min": s.stage_min,
        "stage_max": s.stage_max,
        "stage_mean": s.stage_mean,
    }


def _floor3(x: float) -> float:
    # Truncate, not round, so a progress of 0.9996 never reads as 1.0.
    return math.floor(x * 1000) / 1000


# ----------------------------------------------------------------------- scoring


def _staged_targets(index: _Index, targets: Mapping[str, float]) -> dict[int, int]:
    out: dict[int, int] = {}
    for key, t in targets.items():
        pos = index.aspect_position.get(key)
        if pos is None:
            raise ScoringError(gettext_noop("target for unknown aspect %(key)s"), key=repr(key))
        if isinstance(t, bool) or not isinstance(t, int) or not 1 <= t <= 5:
            raise ScoringError(
                gettext_noop("target for %(key)s must be an integer from 1 to 5, not %(value)s"),
                key=repr(key),
                value=repr(t),
            )
        out[pos] = t
    return out


def _score_staged(
    fw: Framework,
    index: _Index,
    codes: IntArray,
    targets: Mapping[str, float],
) -> dict[str, Any]:
    n_aspects = len(index.aspect_keys)
    slot = index.ind_aspect * _SLOTS + index.ind_stage
    size = n_aspects * _SLOTS
    ok = (codes == MET) | (codes == NA)
    failures = np.bincount(slot, weights=~ok, minlength=size).reshape(n_aspects, _SLOTS)
    # Stage s is reached when stages 2..s have no failures; the running sum is
    # monotone, so counting zero prefixes gives the stage.
    reached = np.cumsum(failures[:, 2:], axis=1) == 0
    stages = 1 + reached.sum(axis=1)
    credit = np.bincount(slot, weights=_CREDIT[codes], minlength=size).reshape(n_aspects, _SLOTS)
    totals = np.bincount(slot, minlength=size).reshape(n_aspects, _SLOTS)
    rows = np.arange(n_aspects)
    nxt = np.minimum(stages + 1, 5)
    denom = totals[rows, nxt]
    progress = np.where((stages < 5) & (denom > 0), credit[rows, nxt] / np.maximum(denom, 1), 0.0)

    target_by_pos = _staged_targets(index, targets)
    aspects = tuple(
        AspectResult(key, int(s), _floor3(float(p)), target_by_pos.get(i))
        for i, (key, s, p) in enumerate(
            zip(index.aspect_keys, stages.tolist(), progress.tolist(), strict=True)
        )
    )

    def summaries(keys: tuple[str, ...], starts: IntArray) -> tuple[SummaryResult, ...]:
        mins = np.minimum.reduceat(stages, starts)
        maxs = np.maximum.reduceat(stages, starts)
        sums = np.add.reduceat(stages, starts)
        sizes = np.diff(np.append(starts, n_aspects))
        return tuple(
            SummaryResult(k, int(lo), int(hi), round(float(total) / int(size), 2))
            for k, lo, hi, total, size in zip(
                keys, mins.tolist(), maxs.tolist(), sums.tolist(), sizes.tolist(), strict=True
            )
        )

    gaps = []
    for pos in sorted(target_by_pos):
        target = target_by_pos[pos]
        if stages[pos] >= target:
            continue
        members = index.aspect_indicators[pos]
        needed = members[(index.ind_stage[members] <= target) & ~ok[members]]
        gaps.append(
            Gap(
                key=index.aspect_keys[pos],
                target=target,
                missing=tuple(index.keys[i] for i in needed.tolist()),
                stage=int(stages[pos]),
            )
        )
    return {
        "aspects": aspects,
        "factors": summaries(index.factor_keys, index.factor_starts),
        "dimensions": summaries(index.dimension_keys, index.dimension_starts),
        "gaps": tuple(gaps),
    }


def _score_scored(
    fw: Framework, index: _Index, codes: IntArray, targets: Mapping[str, float]
) -> dict[str, Any]:
    n = len(index.pillar_keys)
    counted = codes != NA  # na leaves the denominator: it cannot be achieved
    w = index.ind_weight * counted
    achieved = np.bincount(index.ind_pillar, weights=w * _CREDIT[codes], minlength=n)
    possible = np.bincount(index.ind_pillar, weights=w, minlength=n)
    scores = index.pillar_max * achieved / np.where(possible > 0, possible, 1.0)
    rounded = [round(float(s), 2) for s in scores.tolist()]
    total = round(float(scores.sum()), 2)
    tier = next((t.tier for t in fw.tiers if t.min <= total), None)

    gaps = []
    for key, t in targets.items():
        pos = index.pillar_position.get(key)
        if pos is None:
            raise ScoringError(gettext_noop("target for unknown pillar %(key)s"), key=repr(key))
        if isinstance(t, bool) or not isinstance(t, int | float):
            raise ScoringError(
                gettext_noop("target for %(key)s must be a number, not %(value)s"),
                key=repr(key),
                value=repr(t),
            )
        if not 0 <= t <= index.pillar_max[pos]:
            raise ScoringError(
                gettext_noop("target for %(key)s must be from 0 to %(max)s, not %(value)s"),
                key=repr(key),
                max=f"{float(index.pillar_max[pos]):g}",
                value=repr(t),
            )
        if rounded[pos] >= t:
            continue
        members = index.pillar_indicators[pos]
        needed = members[(codes[members] != MET) & (codes[members] != NA)]
        gaps.append(
            Gap(
                key=key,
                target=t,
                missing=tuple(index.keys[i] for i in needed.tolist()),
                score=rounded[pos],
            )
        )
    gaps.sort(key=lambda g: index.pillar_position[g.key])
    return {
        "pillars": tuple(
            PillarResult(k, s) for k, s in zip(index.pillar_keys, rounded, strict=True)
        ),
        "total": total,
        "tier": tier,
        "gaps": tuple(gaps),
    }


def score(
    framework: Framework,
    ratings: Iterable[Rating],
    decisions: Mapping[str, str] | None = None,
    targets: Mapping[str, float] | None = None,
    *,
    country: str = "",
    cycle: str | int = "",
) -> Result:
    """Score one assessment.

    ``ratings``: ``(indicator_key, assessor, value)`` triples; ``decisions``:
    indicator key -> value, overriding the ratings; ``targets``: aspect key ->
    stage 1..5 (staged) or pillar key -> score (scored).
    """
    index = _compile(framework)
    codes = _consolidate_codes(index, ratings, decisions or {})
    # Disputed = the ratings disagree and no decision settled it.
    disputed = tuple(index.keys[i] for i in np.flatnonzero(codes == DISPUTED).tolist())
    parts = (
        _score_staged(framework, index, codes, targets or {})
        if framework.kind == "staged"
        else _score_scored(framework, index, codes, targets or {})
    )
    return Result(
        framework_slug=framework.slug,
        framework_version=framework.version,
        kind=framework.kind,
        country=country,
        cycle=cycle,
        disputed=disputed,
        values={k: CONSOLIDATED_VALUES[c] for k, c in zip(index.keys, codes.tolist(), strict=True)},
        **parts,
    )


# ----------------------------------------------------------------------- compare


@dataclass(frozen=True)
class Change:
    """One aspect (stage) or pillar (score) across two cycles."""

    key: str
    before: float | None
    after: float | None
    # "up", "down", "unchanged"; "added"/"removed" when the key exists in one cycle only.
    movement: Literal["up", "down", "unchanged", "added", "removed"]


@dataclass(frozen=True)
class Comparison:
    framework_slug: str
    kind: Literal["staged", "scored"]
    before_cycle: str | int
    after_cycle: str | int
    changes: tuple[Change, ...]
    total_before: float | None = None
    total_after: float | None = None
    tier_before: int | None = None
    tier_after: int | None = None

    def counts(self) -> dict[str, int]:
        out = {"up": 0, "down": 0, "unchanged": 0, "added": 0, "removed": 0}
        for c in self.changes:
            out[c.movement] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        item = "aspect" if self.kind == "staged" else "pillar"
        value = "stage" if self.kind == "staged" else "score"
        out: dict[str, Any] = {
            "framework": self.framework_slug,
            "before": self.before_cycle,
            "after": self.after_cycle,
            "changes": [
                {
                    item: c.key,
                    f"{value}_before": c.before,
                    f"{value}_after": c.after,
                    "movement": c.movement,
                }
                for c in self.changes
            ],
            "counts": self.counts(),
        }
        if self.kind == "scored":
            out["total"] = {"before": self.total_before, "after": self.total_after}
            out["tier"] = {"before": self.tier_before, "after": self.tier_after}
        return out


def compare(before: Result, after: Result) -> Comparison:
    """Aspect by aspect (or pillar by pillar) movement between two cycles.

    Both results must come from the same framework (slug); versions may differ,
    in which case aspects present in one cycle only are ``added``/``removed``.
    """
    if before.framework_slug != after.framework_slug or before.kind != after.kind:
        raise ScoringError(
            f"cannot compare {before.framework_slug!r} with {after.framework_slug!r}: "
            "results must come from the same framework"
        )
    if before.kind == "staged":
        old: dict[str, float] = {a.key: a.stage for a in before.aspects}
        new: dict[str, float] = {a.key: a.stage for a in after.aspects}
    else:
        old = {p.key: p.score for p in before.pillars}
        new = {p.key: p.score for p in after.pillars}
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        b, a = old.get(key), new.get(key)
        movement: Literal["up", "down", "unchanged", "added", "removed"]
        if b is None:
            movement = "added"
        elif a is None:
            movement = "removed"
        else:
            movement = "up" if a > b else "down" if a < b else "unchanged"
        changes.append(Change(key, b, a, movement))
    return Comparison(
        framework_slug=before.framework_slug,
        kind=before.kind,
        before_cycle=before.cycle,
        after_cycle=after.cycle,
        changes=tuple(changes),
        total_before=before.total,
        total_after=after.total,
        tier_before=before.tier,
        tier_after=after.tier,
    )
