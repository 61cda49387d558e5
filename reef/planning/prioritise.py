"""Weighted criteria scoring of needs, ranking, and the diff between two rankings.

Pure computation (no Django). Each need is rated 1..5 on impact, urgency,
feasibility and cost; cost counts inversely (a cheaper need scores higher).
Arithmetic is exact (fractions) so equal scores really are equal and the
tie-break rules, not float noise, decide the order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "CRITERIA",
    "Move",
    "MoveKind",
    "NeedRating",
    "OrderingDiff",
    "RankedNeed",
    "Weights",
    "diff_orderings",
    "rank_needs",
    "score_need",
]

CRITERIA: tuple[str, ...] = ("impact", "urgency", "feasibility", "cost")
MIN_RATING = 1
MAX_RATING = 5

WeightValue = int | float | str | Decimal | Fraction


def _to_fraction(name: str, value: object) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal | Fraction):
        raise TypeError(f"weight {name} must be a number, got {value!r}")
    # A float goes through its shortest repr, so 0.1 means one tenth, as the user typed.
    source = repr(value) if isinstance(value, float) else value
    try:
        result = Fraction(source)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise ValueError(f"weight {name} is not a finite number: {value!r}") from exc
    if result < 0:
        raise ValueError(f"weight {name} must not be negative, got {value}")
    return result


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative importance of each criterion; only the ratios matter."""

    impact: Fraction = Fraction(4)
    urgency: Fraction = Fraction(3)
    feasibility: Fraction = Fraction(2)
    cost: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        for name in CRITERIA:
            object.__setattr__(self, name, _to_fraction(name, getattr(self, name)))
        if self.total == 0:
            raise ValueError("at least one weight must be positive")

    @classmethod
    def of(
        cls,
        impact: WeightValue = 4,
        urgency: WeightValue = 3,
        feasibility: WeightValue = 2,
        cost: WeightValue = 1,
    ) -> Weights:
        """Validated weights from plain numbers (int, float, str, Decimal, Fraction)."""
        return cls(
            _to_fraction("impact", impact),
            _to_fraction("urgency", urgency),
            _to_fraction("feasibility", feasibility),
            _to_fraction("cost", cost),
        )

    @classmethod
    def from_mapping(cls, values: Mapping[str, WeightValue]) -> Weights:
        """Build from a mapping such as stored settings; unknown keys are an error."""
        unknown = set(values) - set(CRITERIA)
        if unknown:
            raise ValueError(f"unknown criteria: {', '.join(sorted(unknown))}")
        missing = set(CRITERIA) - set(values)
        if missing:
            raise ValueError(f"missing criteria: {', '.join(sorted(missing))}")
        return cls(**{k: _to_fraction(k, v) for k, v in values.items()})

    @property
    def total(self) -> Fraction:
        return self.impact + self.urgency + self.feasibility + self.cost


@dataclass(frozen=True, slots=True)
class NeedRating:
    """A need's ratings, each an integer 1 (low) .. 5 (high)."""

    need_id: str
    impact: int
    urgency: int
    feasibility: int
    cost: int  # 5 = most expensive

    def __post_init__(self) -> None:
        for name in CRITERIA:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"need {self.need_id}: {name} must be an integer, got {value!r}")
            if not MIN_RATING <= value <= MAX_RATING:
                raise ValueError(
                    f"need {self.need_id}: {name} must be within "
                    f"{MIN_RATING}..{MAX_RATING}, got {value}"
                )


def score_need(rating: NeedRating, weights: Weights) -> Fraction:
    """Exact priority score on a 0..100 scale (see docs/planning.md)."""
    inverted_cost = MAX_RATING + MIN_RATING - rating.cost
    weighted = (
        weights.impact * rating.impact
        + weights.urgency * rating.urgency
        + weights.feasibility * rating.feasibility
        + weights.cost * inverted_cost
    )
    mean = weighted / weights.total  # 1..5
    return (mean - MIN_RATING) * 100 / (MAX_RATING - MIN_RATING)


@dataclass(frozen=True, slots=True)
class RankedNeed:
    position: int  # 1-based, unique
    need_id: str
    score: Decimal  # display value, 2 decimals
    exact_score: Fraction
    tied_with_previous: bool  # same exact score as the need ranked just above


def _sort_key(rating: NeedRating, score: Fraction) -> tuple[Fraction, int, int, int, str]:
    # Ties: higher impact, then higher urgency, then cheaper, then need id (stable).
    return (-score, -rating.impact, -rating.urgency, rating.cost, rating.need_id)


def rank_needs(ratings: Iterable[NeedRating], weights: Weights | None = None) -> list[RankedNeed]:
    """Rank needs by score, highest first, with deterministic tie-breaks."""
    weights = weights or Weights()
    items = list(ratings)
    ids = [r.need_id for r in items]
    if len(set(ids)) != len(ids):
        raise ValueError("need ids must be unique")
    scored = sorted(((r, score_need(r, weights)) for r in items), key=lambda p: _sort_key(*p))
    ranked: list[RankedNeed] = []
    previous: Fraction | None = None
    for position, (rating, score) in enumerate(scored, start=1):
        display = (Decimal(score.numerator) / Decimal(score.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_EVEN
        )
        ranked.append(RankedNeed(position, rating.need_id, display, score, score == previous))
        previous = score
    return ranked


class MoveKind(StrEnum):
    UP = "up"
    DOWN = "down"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Move:
    need_id: str
    kind: MoveKind
    from_position: int | None  # 1-based; None when added
    to_position: int | None  # 1-based; None when removed

    @property
    def delta(self) -> int:
        """Places gained (positive = moved up); 0 for added or removed."""
        if self.from_position is None or self.to_position is None:
            return 0
        return self.from_position - self.to_position


@dataclass(frozen=True, slots=True)
class OrderingDiff:
    moves: tuple[Move, ...]
    unchanged: tuple[str, ...]  # same position in both orderings

    @property
    def changed(self) -> bool:
        return bool(self.moves)


def _positions(name: str, ordering: Sequence[str]) -> dict[str, int]:
    positions = {need_id: index for index, need_id in enumerate(ordering, start=1)}
    if len(positions) != len(ordering):
        raise ValueError(f"{name} ordering lists a need more than once")
    return positions


def diff_orderings(before: Sequence[str], after: Sequence[str]) -> OrderingDiff:
    """Moves from one ordering of need ids to another, for the prioritisation history.

    A need whose position number changed is a move, even when it only shifted
    because another need was added or removed above it: the history shows what
    the beneficiary state sees, the position.  Moves are listed in the order of
    the new ranking, then the removed needs in their old order.
    """
    old = _positions("before", before)
    new = _positions("after", after)
    moves: list[Move] = []
    unchanged: list[str] = []
    for need_id, to_position in new.items():
        from_position = old.get(need_id)
        if from_position is None:
            moves.append(Move(need_id, MoveKind.ADDED, None, to_position))
        elif from_position > to_position:
            moves.append(Move(need_id, MoveKind.UP, from_position, to_position))
        elif from_position < to_position:
            moves.append(Move(need_id, MoveKind.DOWN, from_position, to_position))
        else:
            unchanged.append(need_id)
    for need_id, from_position in old.items():
        if need_id not in new:
            moves.append(Move(need_id, MoveKind.REMOVED, from_position, None))
    return OrderingDiff(tuple(moves), tuple(unchanged))
