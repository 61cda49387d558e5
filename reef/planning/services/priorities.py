"""Priorities: scores, the order of a plan's needs and its history."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor, SystemActor, user_of
from reef.planning import prioritise, rules
from reef.planning.models import Need, Plan, PriorityChange
from reef.planning.services.common import (
    _BENEFICIARY_ONLY,
    _EDITORS_ONLY,
    _bump,
    _copy_label,
    _require,
    _text,
)


def _weights(plan: Plan) -> prioritise.Weights:
    return prioritise.Weights.from_mapping(plan.weights)


def _rating_of(need: Need) -> prioritise.NeedRating:
    return prioritise.NeedRating(
        str(need.pk), need.impact, need.urgency, need.feasibility, need.cost_rating
    )


def _score(plan: Plan, need: Need) -> Decimal:
    exact = prioritise.score_need(
        prioritise.NeedRating("new", need.impact, need.urgency, need.feasibility, need.cost_rating),
        _weights(plan),
    )
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"))


def _order(plan: Plan) -> list[str]:
    return [str(pk) for pk in plan.needs.order_by("position", "id").values_list("pk", flat=True)]


def _record_change(
    *, actor: Actor, plan: Plan, kind: str, reason: str, before: list[str], after: list[str]
) -> PriorityChange:
    diff = prioritise.diff_orderings(before, after)
    change = PriorityChange(
        plan=plan,
        kind=kind,
        actor=user_of(actor),
        actor_label=(str(actor) if isinstance(actor, SystemActor) else actor.email)[:254],
        reason=reason,
        before=before,
        after=after,
        moves=[
            {"need": m.need_id, "kind": m.kind.value, "from": m.from_position, "to": m.to_position}
            for m in diff.moves
        ],
    )
    _copy_label(change, plan)
    change.save()
    return change


def _apply_order(plan: Plan, order: list[str]) -> None:
    needs = {str(n.pk): n for n in plan.needs.all()}
    for position, need_id in enumerate(order, start=1):
        need = needs[need_id]
        if need.position != position:
            need.position = position
            need.save(update_fields=["position", "updated_at"])


@transaction.atomic
def plan_prioritise(*, actor: Actor, plan: Plan, reason: str = "") -> PriorityChange:
    """Order the plan's needs by weighted score (impact, urgency, feasibility, cost)."""
    _require(rules.may_prioritise, actor, plan, message=str(_EDITORS_ONLY))
    needs = list(plan.needs.all())
    before = _order(plan)
    ranked = prioritise.rank_needs([_rating_of(n) for n in needs], _weights(plan))
    by_id = {str(n.pk): n for n in needs}
    for item in ranked:
        need = by_id[item.need_id]
        need.score = item.score
        need.position = item.position
        need.save(update_fields=["score", "position", "updated_at"])
    after = [r.need_id for r in ranked]
    change = _record_change(
        actor=actor,
        plan=plan,
        kind=PriorityChange.Kind.SCORED,
        reason=reason or "ordered by weighted score",
        before=before,
        after=after,
    )
    _unconfirm(plan)
    audit_append(action="plan_prioritise", actor=actor, obj=plan, detail={"order": after})
    return change


def _unconfirm(plan: Plan) -> None:
    if plan.priorities_confirmed_at is not None:
        plan.priorities_confirmed_at = None
        plan.priorities_confirmed_by = None
        plan.save(
            update_fields=["priorities_confirmed_at", "priorities_confirmed_by", "updated_at"]
        )


@transaction.atomic
def plan_reorder(
    *, actor: Actor, plan: Plan, order: Sequence[int | str], reason: str
) -> PriorityChange:
    """The focal point puts the needs in the state's order, saying why."""
    _require(rules.may_reorder, actor, plan, message=str(_BENEFICIARY_ONLY))
    reason = _text(reason, "reason", limit=2000)
    wanted = [str(x) for x in order]
    before = _order(plan)
    if sorted(wanted) != sorted(before) or len(set(wanted)) != len(wanted):
        raise ServiceError(
            _("The new order must list each of the plan's needs exactly once."), field="order"
        )
    if wanted == before:
        raise ServiceError(_("The order has not changed."), field="order")
    _apply_order(plan, wanted)
    change = _record_change(
        actor=actor,
        plan=plan,
        kind=PriorityChange.Kind.REORDERED,
        reason=reason,
        before=before,
        after=wanted,
    )
    _unconfirm(plan)
    audit_append(
        action="plan_reorder",
        actor=actor,
        obj=plan,
        detail={"order": wanted, "reason": reason[:200]},
    )
    return change


@transaction.atomic
def need_move(*, actor: Actor, need: Need, to_position: int, reason: str) -> PriorityChange:
    """Move one need to a position (1-based) in its plan's order."""
    order = _order(need.plan)
    if not 1 <= to_position <= len(order):
        raise ServiceError(
            _("The position must be between 1 and %(last)s.") % {"last": len(order)},
            field="position",
        )
    order.remove(str(need.pk))
    order.insert(to_position - 1, str(need.pk))
    return plan_reorder(actor=actor, plan=need.plan, order=list(order), reason=reason)


@transaction.atomic
def plan_confirm_priorities(*, actor: Actor, plan: Plan, reason: str = "") -> PriorityChange:
    """The beneficiary state agrees the order of priorities."""
    _require(rules.may_confirm_priorities, actor, plan, message=str(_BENEFICIARY_ONLY))
    if not plan.needs.exists():
        raise ServiceError(_("A plan without needs has no priorities to confirm."))
    order = _order(plan)
    plan.priorities_confirmed_at = timezone.now()
    plan.priorities_confirmed_by = user_of(actor)
    _bump(plan)
    plan.save()
    change = _record_change(
        actor=actor,
        plan=plan,
        kind=PriorityChange.Kind.CONFIRMED,
        reason=reason or "priorities agreed",
        before=order,
        after=order,
    )
    audit_append(action="plan_confirm_priorities", actor=actor, obj=plan, detail={"order": order})
    return change
