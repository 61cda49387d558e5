"""Aspect by aspect (or pillar by pillar) movement between two cycles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from reef.assessments.scoring.results import Result
from reef.assessments.scoring.values import ScoringError


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
