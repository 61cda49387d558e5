"""Roll-up arithmetic for plans: coverage, funding gaps, progress, commitment states.

Pure computation (no Django). Money is ``Decimal`` throughout; amounts are
converted to one reporting currency with a caller-supplied rate table and
rounded once, at the end, to cents (banker's rounding).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

__all__ = [
    "ACTIVE_STATUSES",
    "DELIVERED_STATUSES",
    "TRANSITIONS",
    "ActorSide",
    "CommitmentItem",
    "CommitmentStatus",
    "FundingStatus",
    "GroupRollup",
    "IllegalTransition",
    "Money",
    "NeedItem",
    "NeedRollup",
    "PlanRollup",
    "ProgressPoint",
    "RateTable",
    "StatusChange",
    "TransitionNotPermitted",
    "allowed_targets",
    "check_transition",
    "funding_status",
    "progress_series",
    "roll_up",
]

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal(0)


# --- commitment state machine ----------------------------------------------------------


class CommitmentStatus(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    VERIFIED = "verified"
    WITHDRAWN = "withdrawn"


class ActorSide(StrEnum):
    PLEDGER = "pledger"  # the organisation that made the commitment
    BENEFICIARY = "beneficiary"  # the beneficiary state (its national point of contact)


S = CommitmentStatus
A = ActorSide

# Who may move a commitment from one status to another. The beneficiary accepts
# and verifies (a pledger must not mark its own work as verified); the pledger
# starts and delivers. Either side may end a commitment that is not yet delivered:
# the pledger withdraws it, the beneficiary declines or cancels it.
TRANSITIONS: Mapping[tuple[CommitmentStatus, CommitmentStatus], frozenset[ActorSide]] = {
    (S.OFFERED, S.ACCEPTED): frozenset({A.BENEFICIARY}),
    (S.OFFERED, S.WITHDRAWN): frozenset({A.PLEDGER, A.BENEFICIARY}),
    (S.ACCEPTED, S.IN_PROGRESS): frozenset({A.PLEDGER}),
    (S.ACCEPTED, S.WITHDRAWN): frozenset({A.PLEDGER, A.BENEFICIARY}),
    (S.IN_PROGRESS, S.DELIVERED): frozenset({A.PLEDGER}),
    (S.IN_PROGRESS, S.WITHDRAWN): frozenset({A.PLEDGER, A.BENEFICIARY}),
    (S.DELIVERED, S.VERIFIED): frozenset({A.BENEFICIARY}),
}

# "Accepted or later": the statuses that count towards coverage and funding.
ACTIVE_STATUSES: frozenset[CommitmentStatus] = frozenset(
    {S.ACCEPTED, S.IN_PROGRESS, S.DELIVERED, S.VERIFIED}
)
DELIVERED_STATUSES: frozenset[CommitmentStatus] = frozenset({S.DELIVERED, S.VERIFIED})


def gettext_noop(message: str) -> str:
    """Mark a message for translation; the Django layer translates it (no Django here)."""
    return message


class IllegalTransition(ValueError):
    """The state machine has no edge from the current status to the target.

    ``str(exc)`` is the English detail; ``template`` % ``params`` is the sentence for
    users, which the Django layer translates with ``gettext(template) % params``.
    """

    def __init__(self, message: str, template: str, params: Mapping[str, str]) -> None:
        super().__init__(message)
        self.template = template
        self.params = dict(params)


class TransitionNotPermitted(IllegalTransition):
    """The edge exists, but this side may not take it."""


def _status(value: str) -> CommitmentStatus:
    try:
        return CommitmentStatus(value)
    except ValueError:
        known = ", ".join(s.value for s in CommitmentStatus)
        raise IllegalTransition(
            f"unknown status {value!r} (known: {known})",
            gettext_noop("Unknown status %(value)s (known: %(known)s)."),
            {"value": repr(value), "known": known},
        ) from None


def _side(value: str) -> ActorSide:
    try:
        return ActorSide(value)
    except ValueError:
        known = ", ".join(s.value for s in ActorSide)
        raise IllegalTransition(
            f"unknown actor side {value!r} (known: {known})",
            gettext_noop("Unknown actor side %(value)s (known: %(known)s)."),
            {"value": repr(value), "known": known},
        ) from None


def allowed_targets(current: str, actor_side: str | None = None) -> list[CommitmentStatus]:
    """Statuses reachable in one step, optionally only those this side may choose."""
    status = _status(current)
    side = _side(actor_side) if actor_side is not None else None
    return [
        target
        for (source, target), sides in TRANSITIONS.items()
        if source == status and (side is None or side in sides)
    ]


def check_transition(current: str, target: str, actor_side: str) -> None:
    """Raise ``IllegalTransition`` (or its subclass) unless the move is allowed."""
    source, goal, side = _status(current), _status(target), _side(actor_side)
    sides = TRANSITIONS.get((source, goal))
    if sides is None:
        options = ", ".join(t.value for t in allowed_targets(source))
        template = (
            gettext_noop(
                "A commitment cannot go from %(source)s to %(target)s; "
                "allowed from %(source)s: %(options)s."
            )
            if options
            else gettext_noop(
                "A commitment cannot go from %(source)s to %(target)s; "
                "allowed from %(source)s: none (final status)."
            )
        )
        raise IllegalTransition(
            f"a commitment cannot go from {source.value} to {goal.value}; "
            f"allowed from {source.value}: {options or 'none (final status)'}",
            template,
            {"source": source.value, "target": goal.value, "options": options},
        )
    if side not in sides:
        who = " or ".join(sorted(s.value for s in sides))
        template = (
            gettext_noop(
                "Only the pledger may move a commitment from %(source)s to %(target)s, "
                "not the beneficiary."
            )
            if side == ActorSide.BENEFICIARY
            else gettext_noop(
                "Only the beneficiary may move a commitment from %(source)s to %(target)s, "
                "not the pledger."
            )
        )
        raise TransitionNotPermitted(
            f"only the {who} may move a commitment from {source.value} to {goal.value}, "
            f"not the {side.value}",
            template,
            {"source": source.value, "target": goal.value},
        )


# --- money ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"amount must be a Decimal, got {type(self.amount).__name__}")
        if not self.amount.is_finite() or self.amount < 0:
            raise ValueError(f"amount must be a finite, non-negative Decimal, got {self.amount}")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"currency must be an ISO 4217 code, got {self.currency!r}")


class MissingRate(KeyError):
    pass


@dataclass(frozen=True, slots=True)
class RateTable:
    """``rates[c]`` = value of one unit of currency ``c`` in the reporting currency."""

    reporting_currency: str
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code, rate in self.rates.items():
            if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
                raise ValueError(f"rate for {code} must be a positive Decimal, got {rate!r}")

    def convert(self, money: Money) -> Decimal:
        """Unrounded amount in the reporting currency."""
        if money.currency == self.reporting_currency:
            return money.amount
        try:
            return money.amount * self.rates[money.currency]
        except KeyError:
            raise MissingRate(
                f"no rate from {money.currency} to {self.reporting_currency}"
            ) from None


# --- roll-up -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedItem:
    id: str
    area_key: str
    country_code: str | None  # None for a regional need
    cost: Money | None  # None while the cost is not estimated


@dataclass(frozen=True, slots=True)
class CommitmentItem:
    id: str
    need_id: str
    status: CommitmentStatus
    amount: Money | None  # None for an in-kind commitment (experts, equipment)


@dataclass(frozen=True, slots=True)
class NeedRollup:
    need_id: str
    covered: bool
    cost: Decimal | None  # reporting currency, cents
    committed: Decimal  # accepted-or-later commitments, reporting currency, cents
    gap: Decimal | None  # max(0, cost - committed); None when the cost is unknown


@dataclass(frozen=True, slots=True)
class GroupRollup:
    key: str | None  # area key, country code, or None (region total / regional needs)
    needs: int
    covered_needs: int
    coverage: Decimal  # covered_needs / needs, 4 decimals; 0 for no needs
    cost: Decimal  # sum over needs with a known cost
    committed: Decimal
    gap: Decimal  # sum of per-need gaps, so one overfunded need hides no other gap
    needs_without_cost: int


@dataclass(frozen=True, slots=True)
class PlanRollup:
    currency: str
    by_need: Mapping[str, NeedRollup]
    by_area: Mapping[str, GroupRollup]
    by_country: Mapping[str | None, GroupRollup]  # None key: regional needs
    region: GroupRollup


@dataclass
class _Acc:
    needs: int = 0
    covered: int = 0
    cost: Decimal = ZERO
    committed: Decimal = ZERO
    gap: Decimal = ZERO
    without_cost: int = 0

    def add(self, need: NeedRollup) -> None:
        self.needs += 1
        self.covered += need.covered
        self.committed += need.committed
        if need.cost is None or need.gap is None:
            self.without_cost += 1
        else:
            self.cost += need.cost
            self.gap += need.gap

    def result(self, key: str | None) -> GroupRollup:
        coverage = (
            (Decimal(self.covered) / Decimal(self.needs)).quantize(RATIO, ROUND_HALF_EVEN)
            if self.needs
            else ZERO
        )
        return GroupRollup(
            key,
            self.needs,
            self.covered,
            coverage,
            self.cost,
            self.committed,
            self.gap,
            self.without_cost,
        )


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def _need_rollups(
    needs: Sequence[NeedItem],
    commitments: Iterable[CommitmentItem],
    rates: RateTable,
    statuses: frozenset[CommitmentStatus],
) -> dict[str, NeedRollup]:
    known = {n.id for n in needs}
    if len(known) != len(needs):
        raise ValueError("need ids must be unique")
    committed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    covered: set[str] = set()
    for item in commitments:
        if item.need_id not in known:
            raise ValueError(f"commitment {item.id} refers to unknown need {item.need_id}")
        if item.status in statuses:
            covered.add(item.need_id)  # in-kind commitments cover a need too
            if item.amount is not None:
                committed[item.need_id] += rates.convert(item.amount)
    result: dict[str, NeedRollup] = {}
    for need in needs:
        total = committed[need.id]
        if need.cost is None:
            cost, gap = None, None
        else:
            exact_cost = rates.convert(need.cost)
            cost, gap = _cents(exact_cost), _cents(max(ZERO, exact_cost - total))
        result[need.id] = NeedRollup(need.id, need.id in covered, cost, _cents(total), gap)
    return result


def roll_up(
    needs: Sequence[NeedItem],
    commitments: Iterable[CommitmentItem],
    rates: RateTable,
) -> PlanRollup:
    """Coverage and funding gap per need, per area, per country and for the region."""
    by_need = _need_rollups(needs, commitments, rates, ACTIVE_STATUSES)
    areas: dict[str, _Acc] = defaultdict(_Acc)
    countries: dict[str | None, _Acc] = defaultdict(_Acc)
    region = _Acc()
    for need in needs:
        rolled = by_need[need.id]
        areas[need.area_key].add(rolled)
        countries[need.country_code].add(rolled)
        region.add(rolled)
    return PlanRollup(
        currency=rates.reporting_currency,
        by_need=by_need,
        by_area={k: acc.result(k) for k, acc in sorted(areas.items())},
        by_country={
            k: acc.result(k) for k, acc in sorted(countries.items(), key=lambda kv: kv[0] or "")
        },
        region=region.result(None),
    )


class FundingStatus(StrEnum):
    UNFUNDED = "unfunded"  # no commitment that counts
    PARTLY = "partly"  # some, short of the cost (or in kind, or the cost unknown)
    FULLY = "fully"  # commitments that count reach the cost


def funding_status(need: NeedRollup) -> FundingStatus:
    """How far a need is funded: the same arithmetic as its coverage and gap.

    An in-kind commitment covers a need without money: such a need is partly funded,
    never unfunded (donors would otherwise be sent to a need someone already took).
    """
    if not need.covered:
        return FundingStatus.UNFUNDED
    if need.gap is not None and need.gap == ZERO:
        return FundingStatus.FULLY
    return FundingStatus.PARTLY


# --- progress over time --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusChange:
    commitment_id: str
    status: CommitmentStatus
    at: date


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    at: date
    needs: int
    covered_needs: int
    coverage: Decimal
    committed: Decimal  # accepted or later
    delivered: Decimal  # delivered or verified
    gap: Decimal
    status_counts: Mapping[CommitmentStatus, int]


def progress_series(
    needs: Sequence[NeedItem],
    commitments: Sequence[CommitmentItem],
    changes: Iterable[StatusChange],
    rates: RateTable,
    points: Sequence[date] | None = None,
) -> list[ProgressPoint]:
    """State of the plan at each date, replaying dated status changes.

    A commitment's status at a date is its latest change on or before that date;
    a commitment with no change yet does not exist at that date. ``points``
    defaults to every date on which something changed. The ``status`` field of
    ``commitments`` is ignored here: the history decides.
    """
    by_id = {c.id: c for c in commitments}
    history: dict[str, list[StatusChange]] = defaultdict(list)
    for change in changes:
        if change.commitment_id not in by_id:
            raise ValueError(f"status change for unknown commitment {change.commitment_id}")
        history[change.commitment_id].append(change)
    for items in history.values():
        items.sort(key=lambda c: c.at)  # stable: same-day changes keep their given order
    dates = (
        sorted(set(points))
        if points is not None
        else sorted({c.at for items in history.values() for c in items})
    )

    series: list[ProgressPoint] = []
    for at in dates:
        current: list[CommitmentItem] = []
        for cid, items in history.items():
            latest = [c for c in items if c.at <= at]
            if latest:
                base = by_id[cid]
                current.append(
                    CommitmentItem(base.id, base.need_id, latest[-1].status, base.amount)
                )
        rolled = roll_up(needs, current, rates).region
        delivered = _need_rollups(needs, current, rates, DELIVERED_STATUSES)
        counts: dict[CommitmentStatus, int] = dict.fromkeys(CommitmentStatus, 0)
        for item in current:
            counts[item.status] += 1
        series.append(
            ProgressPoint(
                at=at,
                needs=rolled.needs,
                covered_needs=rolled.covered_needs,
                coverage=rolled.coverage,
                committed=rolled.committed,
                delivered=sum((n.committed for n in delivered.values()), ZERO),
                gap=rolled.gap,
                status_counts=counts,
            )
        )
    return series
