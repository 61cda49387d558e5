"""Who may write what in planning: pure predicates over the actor's scope (reef.core.rules).

Services check the workflow (which status comes next, what is valid) and call
`require`; pages and the API ask `allowed` so that a button shows only when its
action would be allowed. Visibility (404) is the access layer's: a service passes
`hidden=True` when the actor may not even see the record.

Commitments keep separation of duties: the people who spoke for the pledging
organisation on a commitment (offered it, started it, reported its delivery) may
not accept or verify it for the beneficiary state, and the people who accepted or
verified it for the state may not start or deliver it for the organisation, even
when one account holds both roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reef.core.roles import Action, Scope
from reef.core.rules import rule

if TYPE_CHECKING:
    from reef.directory.models import Country
    from reef.planning.models import Action as PlanAction
    from reef.planning.models import Commitment, Milestone, Need, Plan, Risk


# ------------------------------------------------------------------- building blocks


def edits_plan(scope: Scope, plan: Plan) -> bool:
    """Editors of the country (national plan) or of the owning organisation and the
    grouping's coordinators (regional plan)."""
    if plan.is_regional:
        return scope.can_in_organisation(plan.organisation_id, Action.EDIT) or (
            plan.grouping_id is not None and plan.grouping_id in scope.groupings
        )
    return scope.can_in_country(plan.country_id, Action.EDIT)


def manages_plan(scope: Scope, plan: Plan) -> bool:
    """The beneficiary: the country's managers (its focal point), or for a regional plan
    the owning organisation's managers and the grouping's coordinators."""
    if plan.is_regional:
        return scope.can_in_organisation(plan.organisation_id, Action.MANAGE) or (
            plan.grouping_id is not None and plan.grouping_id in scope.groupings
        )
    return scope.can_in_country(plan.country_id, Action.MANAGE)


def reports_on_action(scope: Scope, action: PlanAction) -> bool:
    """The plan's editors or the editors of the organisation that leads the action."""
    return edits_plan(scope, action.plan) or scope.can_in_organisation(
        action.lead_organisation_id, Action.EDIT
    )


def speaks_for_pledger(scope: Scope, commitment: Commitment) -> bool:
    return scope.can_in_organisation(commitment.organisation_id, Action.EDIT)


def speaks_for_beneficiary(scope: Scope, commitment: Commitment) -> bool:
    return manages_plan(scope, commitment.need.plan)


def acted_for_pledger(scope: Scope, commitment: Commitment) -> bool:
    """This person offered, started or reported the delivery of the commitment."""
    people = {commitment.offered_by_id, commitment.started_by_id, commitment.delivered_by_id}
    return scope.user_id is not None and scope.user_id in people


def acted_for_beneficiary(scope: Scope, commitment: Commitment) -> bool:
    """This person accepted or verified the commitment for the state."""
    people = {commitment.accepted_by_id, commitment.verified_by_id}
    return scope.user_id is not None and scope.user_id in people


# ------------------------------------------------------------------- plans


@rule(
    "planning.plan_create",
    record="plan (national or regional)",
    roles=(
        "national: managers of the country; regional: coordinators of the grouping "
        "who are editors of the owning organisation"
    ),
)
def may_create_plan(scope: Scope, plan: Plan) -> bool:
    if plan.is_regional:
        return (
            scope.can_in_organisation(plan.organisation_id, Action.EDIT)
            and plan.grouping_id is not None
            and plan.grouping_id in scope.groupings
        )
    return scope.can_in_country(plan.country_id, Action.MANAGE)


@rule(
    "planning.plan_import",
    record="national plan imported from a file",
    roles="managers of the country the file is for",
)
def may_import_plan(scope: Scope, country: Country) -> bool:
    return scope.can_in_country(country.pk, Action.MANAGE)


@rule(
    "planning.area_create",
    record="area of a planning taxonomy",
    roles="regional coordinators",
)
def may_create_area(scope: Scope, _obj: object = None) -> bool:
    return scope.is_coordinator


# ------------------------------------------------------------------- needs and priorities


@rule("planning.need_create", record="need of a plan", roles="editors of the plan")
def may_create_need(scope: Scope, plan: Plan) -> bool:
    return edits_plan(scope, plan)


@rule("planning.need_edit", record="need (text, cost, ratings)", roles="editors of the plan")
def may_edit_need(scope: Scope, need: Need) -> bool:
    return edits_plan(scope, need.plan)


@rule(
    "planning.need_publish",
    record="need (put before donors; only with an estimated cost)",
    roles="editors of the plan",
)
def may_publish_need(scope: Scope, need: Need) -> bool:
    return edits_plan(scope, need.plan)


@rule(
    "planning.plan_prioritise",
    record="plan (order needs by weighted score)",
    roles="editors of the plan",
)
def may_prioritise(scope: Scope, plan: Plan) -> bool:
    return edits_plan(scope, plan)


@rule(
    "planning.plan_weights",
    record="plan (weights of the criteria)",
    roles="the beneficiary: managers of the country (regional: of the organisation, "
    "and the grouping's coordinators)",
)
def may_set_weights(scope: Scope, plan: Plan) -> bool:
    return manages_plan(scope, plan)


@rule(
    "planning.priorities_reorder",
    record="plan (the state's order of needs)",
    roles="the beneficiary: managers of the country (regional: of the organisation, "
    "and the grouping's coordinators)",
)
def may_reorder(scope: Scope, plan: Plan) -> bool:
    return manages_plan(scope, plan)


@rule(
    "planning.priorities_confirm",
    record="plan (agreement on the priorities)",
    roles="the beneficiary: managers of the country (regional: of the organisation, "
    "and the grouping's coordinators)",
)
def may_confirm_priorities(scope: Scope, plan: Plan) -> bool:
    return manages_plan(scope, plan)


# ------------------------------------------------------------------- actions, milestones, risks


@rule("planning.action_create", record="action under a need", roles="editors of the plan")
def may_create_action(scope: Scope, need: Need) -> bool:
    return edits_plan(scope, need.plan)


@rule(
    "planning.action_report",
    record="action (status and progress)",
    roles="editors of the plan and of the organisation that leads the action",
)
def may_report_action(scope: Scope, action: PlanAction) -> bool:
    return reports_on_action(scope, action)


@rule(
    "planning.action_sustainability",
    record="action (sustainability profile)",
    roles="editors of the plan",
)
def may_set_sustainability(scope: Scope, action: PlanAction) -> bool:
    return edits_plan(scope, action.plan)


@rule(
    "planning.milestone_create",
    record="milestone of an action",
    roles="editors of the plan and of the organisation that leads the action",
)
def may_create_milestone(scope: Scope, action: PlanAction) -> bool:
    return reports_on_action(scope, action)


@rule(
    "planning.milestone_complete",
    record="milestone",
    roles="editors of the plan and of the organisation that leads the action",
)
def may_complete_milestone(scope: Scope, milestone: Milestone) -> bool:
    return reports_on_action(scope, milestone.action)


@rule("planning.risk_create", record="risk of a plan", roles="editors of the plan")
def may_create_risk(scope: Scope, plan: Plan) -> bool:
    return edits_plan(scope, plan)


@rule("planning.risk_edit", record="risk", roles="editors of the plan")
def may_edit_risk(scope: Scope, risk: Risk) -> bool:
    return edits_plan(scope, risk.plan)


# ------------------------------------------------------------------- commitments


@rule(
    "planning.commitment_offer",
    record="commitment (offer to a need)",
    roles="editors of the pledging organisation",
)
def may_offer(scope: Scope, commitment: Commitment) -> bool:
    return speaks_for_pledger(scope, commitment)


@rule(
    "planning.commitment_accept",
    record="commitment (offered -> accepted)",
    roles="the beneficiary (managers of the plan's country), "
    "not a person who offered, started or delivered it",
)
def may_accept(scope: Scope, commitment: Commitment) -> bool:
    return speaks_for_beneficiary(scope, commitment) and not acted_for_pledger(scope, commitment)


@rule(
    "planning.commitment_start",
    record="commitment (accepted -> in progress)",
    roles="editors of the pledging organisation, not a person who accepted or verified it",
)
def may_start(scope: Scope, commitment: Commitment) -> bool:
    return speaks_for_pledger(scope, commitment) and not acted_for_beneficiary(scope, commitment)


@rule(
    "planning.commitment_deliver",
    record="commitment (in progress -> delivered)",
    roles="editors of the pledging organisation, not a person who accepted or verified it",
)
def may_deliver(scope: Scope, commitment: Commitment) -> bool:
    return speaks_for_pledger(scope, commitment) and not acted_for_beneficiary(scope, commitment)


@rule(
    "planning.commitment_verify",
    record="commitment (delivered -> verified)",
    roles="the beneficiary (managers of the plan's country), "
    "not a person who offered, started or delivered it",
)
def may_verify(scope: Scope, commitment: Commitment) -> bool:
    return speaks_for_beneficiary(scope, commitment) and not acted_for_pledger(scope, commitment)


@rule(
    "planning.commitment_withdraw",
    record="commitment not yet delivered (-> withdrawn)",
    roles="editors of the pledging organisation or the beneficiary",
)
def may_withdraw(scope: Scope, commitment: Commitment) -> bool:
    return speaks_for_pledger(scope, commitment) or speaks_for_beneficiary(scope, commitment)


# ------------------------------------------------------------------- twinning


@dataclass(frozen=True)
class EffortPair:
    """Two efforts (actions or commitments) a twinning link would join."""

    a_organisation_id: int
    b_organisation_id: int
    country_id: int | None


@rule(
    "planning.twinning_link",
    record="twinning link between two efforts",
    roles=("editors of either organisation, managers of the country, coordinators of its region"),
)
def may_link(scope: Scope, pair: EffortPair) -> bool:
    return (
        scope.can_in_organisation(pair.a_organisation_id, Action.EDIT)
        or scope.can_in_organisation(pair.b_organisation_id, Action.EDIT)
        or scope.can_in_country(pair.country_id, Action.MANAGE)
        or scope.coordinates_country(pair.country_id)
    )
