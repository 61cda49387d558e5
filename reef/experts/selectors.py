"""Reads of the expert network, always through the access layer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from reef.core.access import LabelledQuerySet, scope_for
from reef.core.roles import Action
from reef.core.rules import allowed
from reef.core.selectors import get_for_user
from reef.core.tlp import TLP
from reef.experts import rules
from reef.experts.models import (
    ExpertProfile,
    MentorPair,
    MissionRequest,
    Notification,
    Proposal,
    ReviewAssignment,
    ReviewRound,
)


def profiles_for(user: Any) -> LabelledQuerySet:
    return (
        ExpertProfile.objects.for_user(user)
        .select_related("country", "organisation")
        .prefetch_related("expertise")
    )


def profile_get(user: Any, pk: int) -> ExpertProfile:
    obj: ExpertProfile = get_for_user(
        ExpertProfile.objects.select_related("country", "organisation", "user"), user, pk=pk
    )
    return obj


def own_profile(user: Any) -> ExpertProfile | None:
    if user is None or not user.is_authenticated:
        return None
    found: ExpertProfile | None = (
        ExpertProfile.objects.select_related("country", "organisation")
        .filter(user_id=user.pk)
        .first()
    )
    return found


def contact_visible(user: Any, profile: ExpertProfile) -> bool:
    """Whether `user` may see the profile's contact details, under their own TLP label."""
    if user is not None and user.is_authenticated and profile.user_id == user.pk:
        return True
    scope = scope_for(user)
    label = profile.contact_tlp
    if label == TLP.CLEAR:
        return True
    if label == TLP.GREEN:
        return scope.is_community
    member = profile.country_id in scope.countries
    if label == TLP.AMBER_STRICT:
        return member
    if label == TLP.AMBER:
        return member or scope.coordinates_country(profile.country_id)
    return False  # TLP:RED: the expert only


def can_coordinate(user: Any, country_id: int | None) -> bool:
    return scope_for(user).coordinates_country(country_id)


def missions_for(user: Any) -> LabelledQuerySet:
    return MissionRequest.objects.for_user(user).select_related("country")


def mission_get(user: Any, pk: int) -> MissionRequest:
    obj: MissionRequest = get_for_user(
        MissionRequest.objects.select_related("country"), user, pk=pk
    )
    return obj


def mission_team(user: Any, mission: MissionRequest) -> list[Any]:
    """The team, each member marked `shared` when `user` may see the expert's profile.

    Seeing a mission does not open its members' profiles: a member whose profile the
    user may not see is shown as an expert whose profile is not shared (no name,
    sector, country or level), and so is a hidden second-best choice.
    """
    team = list(
        mission.team.select_related("profile__country", "profile__organisation", "runner_up")
        .prefetch_related("profile__expertise")
        .order_by("seat", "pk")
    )
    ids = {m.profile_id for m in team} | {m.runner_up_id for m in team if m.runner_up_id}
    visible = set(
        ExpertProfile.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    for m in team:
        m.shared = m.profile_id in visible
        m.runner_up_shared = m.runner_up_id in visible
    return team


def rounds_for(user: Any) -> LabelledQuerySet:
    return ReviewRound.objects.for_user(user).select_related("grouping")


def round_get(user: Any, pk: int) -> ReviewRound:
    obj: ReviewRound = get_for_user(ReviewRound.objects.select_related("grouping"), user, pk=pk)
    return obj


def can_run_round(user: Any, round_: ReviewRound) -> bool:
    return round_.grouping_id in scope_for(user).groupings


def proposals_for(user: Any) -> LabelledQuerySet:
    return Proposal.objects.for_user(user).select_related("round", "author_organisation")


def proposal_get(user: Any, pk: int) -> Proposal:
    obj: Proposal = get_for_user(
        Proposal.objects.select_related("round", "author_organisation"), user, pk=pk
    )
    return obj


def assignments_for(user: Any) -> LabelledQuerySet:
    return ReviewAssignment.objects.for_user(user).select_related("proposal__round", "reviewer")


def assignment_get(user: Any, pk: int, action: str = Action.VIEW) -> ReviewAssignment:
    obj: ReviewAssignment = get_for_user(
        ReviewAssignment.objects.select_related("proposal__round", "reviewer"),
        user,
        action=action,
        pk=pk,
    )
    return obj


def my_assignments(user: Any) -> list[ReviewAssignment]:
    if user is None or not user.is_authenticated:
        return []
    return list(
        ReviewAssignment.objects.filter(reviewer__user_id=user.pk)
        .select_related("proposal__round")
        .order_by("proposal__round__closes_on", "pk")
    )


def proposal_feedback(user: Any, proposal: Proposal) -> dict[str, Any]:
    """Aggregated, anonymous feedback for the proposer: scores and comments.

    Reviews are independent (rule `experts.reviews_read`): while the round is open,
    only a reviewer of the proposal who has submitted their own sees scores and
    comments; everyone else sees how many reviews are in and awaited, nothing more.
    """
    prefetch_related_objects(
        [proposal],
        Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("reviewer")),
    )
    assignments = list(proposal.assignments.all())
    Status = ReviewAssignment.Status
    submitted = sorted(
        (a for a in assignments if a.status == Status.SUBMITTED),
        key=lambda a: (a.submitted_at is None, a.submitted_at, a.pk),
    )
    invited = sum(1 for a in assignments if a.status != Status.DECLINED)
    shown = allowed(rules.may_see_reviews, user, proposal)
    scores = [a.score for a in submitted if a.score is not None] if shown else []
    distribution = {str(s): scores.count(s) for s in range(1, 6)} if shown else {}
    return {
        "proposal": proposal.pk,
        "title": proposal.title,
        "shown": shown,
        "reviews": len(submitted),
        "awaited": invited - len(submitted),
        "mean": round(sum(scores) / len(scores), 2) if scores else None,
        "min": min(scores) if scores else None,
        "max": max(scores) if scores else None,
        "distribution": distribution,
        "comments": [a.comments for a in submitted if a.comments] if shown else [],
    }


def active_pair(specialist: ExpertProfile) -> MentorPair | None:
    """The specialist's active mentoring pair, with its mentor (for the rules)."""
    found: MentorPair | None = (
        MentorPair.objects.filter(mentee=specialist, status=MentorPair.Status.ACTIVE)
        .select_related("mentor")
        .first()
    )
    return found


def pairs_for(user: Any) -> LabelledQuerySet:
    return MentorPair.objects.for_user(user).select_related("mentee", "mentor")


def growth_timeline(profile: ExpertProfile) -> list[dict[str, Any]]:
    """A specialist's growth: seniority changes, mentoring and activities, oldest first."""
    items: list[tuple[dt.date, int, dict[str, Any]]] = []
    for change in profile.seniority_changes.all():
        text = (
            _("Joined the network as %(seniority)s") % {"seniority": change.get_new_display()}
            if not change.old
            else f"{change.get_old_display()} → {change.get_new_display()}"
        )
        items.append((change.on, 0, {"on": change.on, "kind": "seniority", "text": text}))
    for pair in profile.mentors.select_related("mentor"):
        items.append(
            (
                pair.started_on,
                1,
                {
                    "on": pair.started_on,
                    "kind": "mentoring",
                    "text": _("Mentored by %(name)s") % {"name": pair.mentor.name},
                },
            )
        )
    for activity in profile.activities.all():
        text = activity.get_kind_display()
        if activity.description:
            text = f"{text}: {activity.description}"
        items.append((activity.on, 2, {"on": activity.on, "kind": activity.kind, "text": text}))
    items.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in items]


def notifications_for(user: Any) -> LabelledQuerySet:
    if user is None or not user.is_authenticated:
        return Notification.objects.get_queryset().none()
    return Notification.objects.for_user(user).filter(recipient_id=user.pk)
