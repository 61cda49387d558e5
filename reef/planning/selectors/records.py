"""Single records and lists of planning, through the access layer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from reef.core.access import LabelledQuerySet, scope_for
from reef.core.roles import Action as Act
from reef.core.selectors import get_for_user
from reef.planning.models import (
    Action,
    Area,
    Commitment,
    CommitmentEvent,
    Milestone,
    Need,
    Plan,
    PriorityChange,
    Risk,
)
from reef.planning.reference import DEFAULT_TAXONOMY


def plans_for(user: Any) -> LabelledQuerySet:
    return Plan.objects.for_user(user).select_related("country", "grouping", "organisation")


def plan_get(user: Any, pk: int, action: str = Act.VIEW) -> Plan:
    plan: Plan = get_for_user(
        Plan.objects.select_related(
            "country", "grouping", "organisation", "priorities_confirmed_by"
        ),
        user,
        action=action,
        pk=pk,
    )
    return plan


def national_plan_for(user: Any, code: str) -> Plan:
    """The latest national plan of a country that the user may see, else 404."""
    plan: Plan | None = (
        plans_for(user)
        .filter(kind=Plan.Kind.NATIONAL, country__code=code.upper())
        .order_by("-cycle", "-created_at")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def areas(taxonomy: str = DEFAULT_TAXONOMY) -> list[Area]:
    return list(Area.objects.filter(taxonomy=taxonomy).order_by("position", "name"))


def needs_for(user: Any) -> LabelledQuerySet:
    return Need.objects.for_user(user).select_related("area", "country", "plan")


def my_commitments(user: Any) -> LabelledQuerySet:
    """Commitments of the organisations the user belongs to, newest offer first."""
    return (
        commitments_for(user)
        .filter(organisation_id__in=scope_for(user).organisation_ids())
        .select_related("need__plan", "need__plan__country")
        .order_by("-offered_on", "-pk")
    )


def need_get(user: Any, pk: int) -> Need:
    need: Need = get_for_user(
        Need.objects.select_related("area", "country", "plan", "plan__country"), user, pk=pk
    )
    return need


def action_get(user: Any, pk: int) -> Action:
    action: Action = get_for_user(
        Action.objects.select_related("need", "plan", "lead_organisation", "need__country"),
        user,
        pk=pk,
    )
    return action


def commitments_for(user: Any) -> LabelledQuerySet:
    return Commitment.objects.for_user(user).select_related(
        "organisation", "need", "need__country", "need__area", "action"
    )


def commitment_get(user: Any, pk: int) -> Commitment:
    commitment: Commitment = get_for_user(
        Commitment.objects.select_related(
            "organisation", "need", "need__plan", "need__country", "need__area", "action"
        ),
        user,
        pk=pk,
    )
    return commitment


def commitment_events(user: Any, commitment: Commitment) -> LabelledQuerySet:
    return (
        CommitmentEvent.objects.for_user(user).filter(commitment=commitment).select_related("actor")
    )


def risk_get(user: Any, pk: int) -> Risk:
    risk: Risk = get_for_user(Risk.objects.select_related("plan"), user, pk=pk)
    return risk


def milestone_get(user: Any, pk: int) -> Milestone:
    milestone: Milestone = get_for_user(
        Milestone.objects.select_related("action", "action__plan"), user, pk=pk
    )
    return milestone


def plan_needs(user: Any, plan: Plan) -> LabelledQuerySet:
    return needs_for(user).filter(plan=plan).order_by("position", "id")


def plan_actions(user: Any, plan: Plan) -> LabelledQuerySet:
    return (
        Action.objects.for_user(user)
        .filter(plan=plan)
        .select_related("need", "need__area", "lead_organisation")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due")))
        .order_by("start", "id")
    )


def plan_risks(user: Any, plan: Plan) -> LabelledQuerySet:
    return Risk.objects.for_user(user).filter(plan=plan)


def priority_history(user: Any, plan: Plan) -> LabelledQuerySet:
    return PriorityChange.objects.for_user(user).filter(plan=plan).select_related("actor")


def plan_commitments(user: Any, plan: Plan) -> LabelledQuerySet:
    return commitments_for(user).filter(need__plan=plan)


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"
