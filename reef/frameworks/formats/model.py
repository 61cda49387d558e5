"""A framework in memory: frozen dataclasses, shared between threads and cached against.

``extra`` keeps, at every level, the fields Reef does not interpret (guidance,
translations...), so that a round trip through :func:`~reef.frameworks.formats.dump`
loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["staged", "scored"]
STAGE_LEVELS = (1, 2, 3, 4, 5)
INDICATOR_STAGES = (2, 3, 4, 5)


@dataclass(frozen=True)
class Stage:
    level: int
    name: str
    extra: dict[str, Any] = field(default_factory=dict, compare=True)


@dataclass(frozen=True)
class Indicator:
    """A yes/no statement. Staged indicators have ``stage``; scored ones ``points``/``weight``."""

    key: str
    text: str
    stage: int | None = None
    points: float | None = None
    weight: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Aspect:
    key: str
    name: str
    indicators: tuple[Indicator, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    # True when the factor carried its indicators directly (no aspects in the file).
    implicit: bool = False

    def indicators_at(self, stage: int) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.stage == stage)


@dataclass(frozen=True)
class Factor:
    key: str
    name: str
    aspects: tuple[Aspect, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def direct(self) -> bool:
        """The factor has no aspects of its own in the file."""
        return len(self.aspects) == 1 and self.aspects[0].implicit


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    factors: tuple[Factor, ...]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tier:
    tier: int
    name: str
    min: float
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pillar:
    key: str
    name: str
    max: float
    indicators: tuple[Indicator, ...]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Framework:
    slug: str
    version: str
    name: str
    kind: Kind
    stages: tuple[Stage, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    tiers: tuple[Tier, ...] = ()
    pillars: tuple[Pillar, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # Where it was read from, for messages; not part of the data.
    filename: str = field(default="", compare=False)
    # Per-framework memo for derived structures (e.g. the scoring engine's
    # index arrays). Frameworks are immutable, so it never goes stale.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The language a translated copy shows (see `translated`); "" for the texts as written.
    language: str = field(default="", compare=False)

    @property
    def factors(self) -> Iterator[Factor]:
        for d in self.dimensions:
            yield from d.factors

    @property
    def aspects(self) -> Iterator[Aspect]:
        for f in self.factors:
            yield from f.aspects

    @property
    def indicators(self) -> Iterator[Indicator]:
        if self.kind == "staged":
            for a in self.aspects:
                yield from a.indicators
        else:
            for p in self.pillars:
                yield from p.indicators

    def stage_name(self, level: int) -> str:
        for s in self.stages:
            if s.level == level:
                return s.name
        raise KeyError(level)
