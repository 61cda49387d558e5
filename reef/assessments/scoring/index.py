"""A framework compiled once into index arrays (memoised on the framework)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reef.assessments.scoring.values import FloatArray, IntArray
from reef.frameworks.formats import Framework


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
    index = _compile_staged(fw, keys) if fw.kind == "staged" else _compile_scored(fw, keys)
    fw.cache["scoring"] = index
    return index


def _compile_staged(fw: Framework, keys: tuple[str, ...]) -> _Index:
    """The index of a staged framework: indicators by aspect, aspects by factor and dimension."""
    empty_i = np.zeros(0, dtype=np.int64)
    empty_f = np.zeros(0, dtype=np.float64)
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
    return _Index(
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


def _compile_scored(fw: Framework, keys: tuple[str, ...]) -> _Index:
    """The index of a scored framework: indicators by pillar, with their weighted points."""
    empty_i = np.zeros(0, dtype=np.int64)
    ind_pillar: list[int] = []
    weights: list[float] = []
    per_pillar: list[IntArray] = []
    for pi, p in enumerate(fw.pillars):
        start = len(ind_pillar)
        for ind in p.indicators:
            ind_pillar.append(pi)
            weights.append(float(ind.points or 0) * float(ind.weight or 0))
        per_pillar.append(np.arange(start, len(ind_pillar), dtype=np.int64))
    return _Index(
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
