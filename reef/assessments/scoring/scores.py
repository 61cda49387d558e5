"""Scoring one assessment: stages and progress (staged), scores and tier (scored), gaps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from reef.assessments.scoring.consolidation import _consolidate_codes
from reef.assessments.scoring.index import _compile, _Index
from reef.assessments.scoring.results import (
    AspectResult,
    Gap,
    PillarResult,
    Result,
    SummaryResult,
    _floor3,
)
from reef.assessments.scoring.values import (
    _CREDIT,
    _SLOTS,
    CONSOLIDATED_VALUES,
    DISPUTED,
    MET,
    NA,
    IntArray,
    Rating,
    ScoringError,
    gettext_noop,
)
from reef.frameworks.formats import Framework


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
    return {
        "aspects": aspects,
        "factors": _summaries(index.factor_keys, index.factor_starts, stages),
        "dimensions": _summaries(index.dimension_keys, index.dimension_starts, stages),
        "gaps": _staged_gaps(index, target_by_pos, stages, ok),
    }


def _summaries(
    keys: tuple[str, ...], starts: IntArray, stages: IntArray
) -> tuple[SummaryResult, ...]:
    """Lowest, highest and mean stage of each group of contiguous aspects (factor or
    dimension) beginning at ``starts``."""
    mins = np.minimum.reduceat(stages, starts)
    maxs = np.maximum.reduceat(stages, starts)
    sums = np.add.reduceat(stages, starts)
    sizes = np.diff(np.append(starts, len(stages)))
    return tuple(
        SummaryResult(k, int(lo), int(hi), round(float(total) / int(size), 2))
        for k, lo, hi, total, size in zip(
            keys, mins.tolist(), maxs.tolist(), sums.tolist(), sizes.tolist(), strict=True
        )
    )


def _staged_gaps(
    index: _Index, target_by_pos: dict[int, int], stages: IntArray, ok: npt.NDArray[np.bool_]
) -> tuple[Gap, ...]:
    """Each aspect below its target, with the indicators up to the target not yet met."""
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
    return tuple(gaps)


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
