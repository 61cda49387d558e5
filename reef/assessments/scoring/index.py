"""A framework compiled once into index arrays (memoised on the framework)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reef.assessments.scoring.values import FloatArray, IntArray
from reef.frameworks.formats import Framework


def _ints() -> IntArray:
    return np.zeros(0, dtype=np.int64)


def _floats() -> FloatArray:
    return np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class _Index:
    """A framework's indicators as positions; the other kind's fields stay empty."""

    keys: tuple[str, ...]
    position: dict[str, int]
    # staged
    ind_aspect: IntArray = field(default_factory=_ints)
    ind_stage: IntArray = field(default_factory=_ints)
    aspect_keys: tuple[str, ...] = ()
    aspect_position: dict[str, int] = field(default_factory=dict)
    aspect_indicators: tuple[IntArray, ...] = ()
    factor_keys: tuple[str, ...] = ()
    factor_starts: IntArray = field(default_factory=_ints)  # first aspect of each factor
    dimension_keys: tuple[str, ...] = ()
    dimension_starts: IntArray = field(default_factory=_ints)
    # scored
    ind_pillar: IntArray = field(default_factory=_ints)
    ind_weight: FloatArray = field(default_factory=_floats)
    pillar_keys: tuple[str, ...] = ()
    pillar_position: dict[str, int] = field(default_factory=dict)
    pillar_max: FloatArray = field(default_factory=_floats)
    pillar_indicators: tuple[IntArray, ...] = ()


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
    )


def _compile_scored(fw: Framework, keys: tuple[str, ...]) -> _Index:
    """The index of a scored framework: indicators by pillar, with their weighted points."""
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
        ind_pillar=np.array(ind_pillar, dtype=np.int64),
        ind_weight=np.array(weights, dtype=np.float64),
        pillar_keys=tuple(p.key for p in fw.pillars),
        pillar_position={p.key: i for i, p in enumerate(fw.pillars)},
        pillar_max=np.array([float(p.max) for p in fw.pillars], dtype=np.float64),
        pillar_indicators=tuple(per_pillar),
    )
