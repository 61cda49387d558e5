"""What scoring one assessment gives, and its public JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal


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
