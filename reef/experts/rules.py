"""Who may write what in the expert network: pure predicates over the actor's scope
(reef.core.rules). Services call `require`; pages and the API ask `allowed`.

Reviews are an independent phase (reef.core.independence): while a round is open, a
proposal's reviews (scores and comments, even aggregated) are seen only by reviewers
of that proposal who have submitted their own; everyone else, the round's
coordinators and the proposer included, waits until the round is closed, which
cannot happen before the window ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reef.core import independence
from reef.core.roles import Action, Scope
from reef.core.rules import rule

if TYPE_CHECKING:
    from reef.experts.models import (
        ExpertProfile,
        MentoringActivity,
        MissionRequest,
        Notification,
        Proposal,
        ReviewAssignment,
        ReviewRound,
    )


# ------------------------------------------------------------------- building blocks


def is_self(scope: Scope, profile: ExpertProfile | None) -> bool:
    return (
        profile is not None
        and scope.user_id is not None
        and profile.user_id is not None
        and profile.user_id == scope.user_id
    )


def coordinates_profile(scope: Scope, profile: ExpertProfile) -> bool:
    return scope.coordinates_country(profile.country_id)


def runs_round(scope: Scope, round_: ReviewRound) -> bool:
    return round_.grouping_id in scope.groupings


# ------------------------------------------------------------------- profiles


@rule(
    "experts.profile_create",
    record="expert profile",
    roles=(
        "the expert for themselves; a coordinator of the country's region for someone "
        "else or for an expert without an account"
    ),
)
def may_create_profile(scope: Scope, profile: ExpertProfile) -> bool:
    return is_self(scope, profile) or coordinates_profile(scope, profile)


@rule(
    "experts.profile_edit",
    record="expert profile (details, availability, conflicts of interest)",
    roles="the expert, a coordinator of the expert's region",
)
def may_edit_profile(scope: Scope, profile: ExpertProfile) -> bool:
    return is_self(scope, profile) or coordinates_profile(scope, profile)


@rule(
    "experts.profile_export",
    record="expert profile (download of all data held)",
    roles="the expert only",
    system=False,
)
def may_export_profile(scope: Scope, profile: ExpertProfile) -> bool:
    return is_self(scope, profile)


@rule(
    "experts.profile_delete",
    record="expert profile (erasure)",
    roles="the expert; a coordinator of the region for an expert without an account",
)
def may_delete_profile(scope: Scope, profile: ExpertProfile) -> bool:
    return is_self(scope, profile) or (
        profile.user_id is None and coordinates_profile(scope, profile)
    )


# ------------------------------------------------------------------- missions


@rule(
    "experts.mission_request",
    record="mission request",
    roles="editors of the country, coordinators of its region",
)
def may_request_mission(scope: Scope, mission: MissionRequest) -> bool:
    return scope.can_in_country(mission.country_id, Action.EDIT) or scope.coordinates_country(
        mission.country_id
    )


@rule(
    "experts.mission_team_propose",
    record="mission team (proposal by the matching engine)",
    roles="coordinators of the country's region",
)
def may_propose_team(scope: Scope, mission: MissionRequest) -> bool:
    return scope.coordinates_country(mission.country_id)


@rule(
    "experts.mission_team_edit",
    record="mission team (add or remove a member)",
    roles="coordinators of the country's region",
)
def may_edit_team(scope: Scope, mission: MissionRequest) -> bool:
    return scope.coordinates_country(mission.country_id)


@rule(
    "experts.mission_team_confirm",
    record="mission team (confirmation)",
    roles="coordinators of the country's region",
)
def may_confirm_team(scope: Scope, mission: MissionRequest) -> bool:
    return scope.coordinates_country(mission.country_id)


# ------------------------------------------------------------------- review rounds


@rule(
    "experts.round_create",
    record="review round",
    roles="coordinators of the round's grouping",
)
def may_create_round(scope: Scope, round_: ReviewRound) -> bool:
    return runs_round(scope, round_)


@rule(
    "experts.round_window",
    record="review round (window: extended, never shortened once open)",
    roles="coordinators of the round's grouping",
)
def may_set_window(scope: Scope, round_: ReviewRound) -> bool:
    return runs_round(scope, round_)


@rule(
    "experts.proposal_add",
    record="proposal in a review round",
    roles="coordinators of the round's grouping",
)
def may_add_proposal(scope: Scope, round_: ReviewRound) -> bool:
    return runs_round(scope, round_)


@rule(
    "experts.round_open",
    record="review round (open and invite reviewers)",
    roles="coordinators of the round's grouping",
)
def may_open_round(scope: Scope, round_: ReviewRound) -> bool:
    return runs_round(scope, round_)


@rule(
    "experts.round_assign",
    record="review round (fill empty reviewer seats)",
    roles="coordinators of the round's grouping",
)
def may_assign_round(scope: Scope, round_: ReviewRound) -> bool:
    return runs_round(scope, round_)


@rule(
    "experts.round_close",
    record="review round (close after the window)",
    roles="coordinators of the round's grouping",
)
def may_close_round(scope: Scope, round_: ReviewRound) -> bool:
    return runs_round(scope, round_)


@rule(
    "experts.review_answer",
    record="review invitation (accept, decline, submit the review)",
    roles="the invited reviewer only",
    system=False,
)
def may_answer_invitation(scope: Scope, assignment: ReviewAssignment) -> bool:
    return is_self(scope, assignment.reviewer)


def has_submitted(scope: Scope, proposal: Proposal) -> bool:
    """Whether this person has submitted a review of the proposal (assignments loaded)."""
    from reef.experts.models import ReviewAssignment

    return any(
        a.status == ReviewAssignment.Status.SUBMITTED and is_self(scope, a.reviewer)
        for a in proposal.assignments.all()
    )


@rule(
    "experts.reviews_read",
    record="reviews of a proposal (read: scores and comments, even aggregated)",
    roles=(
        "while the round is open, only reviewers of the proposal who have submitted their "
        "own (independence); once it is closed, whoever may see the proposal"
    ),
)
def may_see_reviews(scope: Scope, proposal: Proposal) -> bool:
    """The independence part only; who sees the proposal at all is the access layer's."""
    from reef.experts.models import ReviewRound

    phase = independence.Phase(
        open=proposal.round.status != ReviewRound.Status.CLOSED,
        has_submitted=has_submitted(scope, proposal),
    )
    return independence.may_see_aggregate(phase)


# ------------------------------------------------------------------- mentoring, inbox


@rule(
    "experts.mentoring_propose",
    record="mentoring pairs (for the experts of the coordinated countries)",
    roles="regional coordinators",
)
def may_propose_mentoring(scope: Scope, _obj: object = None) -> bool:
    return scope.is_coordinator


@rule(
    "experts.activity_record",
    record="mentoring activity of a nascent specialist",
    roles="the specialist, their active mentor, a coordinator of the specialist's region",
)
def may_record_activity(scope: Scope, activity: MentoringActivity) -> bool:
    specialist = activity.specialist
    mentor = activity.pair.mentor if activity.pair is not None else None
    return (
        is_self(scope, specialist)
        or is_self(scope, mentor)
        or coordinates_profile(scope, specialist)
    )


@rule(
    "experts.notification_read",
    record="notification (mark as read)",
    roles="its recipient only",
    system=False,
)
def may_mark_read(scope: Scope, notification: Notification) -> bool:
    return scope.user_id is not None and notification.recipient_id == scope.user_id
