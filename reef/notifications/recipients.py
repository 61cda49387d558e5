"""Who must act next at each hand-off: reads only, one function per kind.

Each returns active users, each once, ordered by id (stable mails and tests).
They take the record the hand-off is about; `notify` still checks that each
recipient may see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from reef.accounts.models import Membership, User
from reef.core.roles import Role

EDITORS = [Role.EDITOR, Role.MANAGER]


def _users(q: Q) -> list[User]:
    return list(User.objects.filter(q, is_active=True).distinct().order_by("pk"))


def _members(**filters: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(**filters)


def coordinators_of_groupings(grouping_ids: Iterable[int]) -> list[User]:
    ids = list(grouping_ids)
    return _users(Q(pk__in=_members(role=Role.COORDINATOR, grouping_id__in=ids).values("user_id")))


def coordinators_of_country(country_id: int | None) -> list[User]:
    """Coordinators of every grouping (region) the country belongs to."""
    from reef.directory.models import GroupingMember

    if country_id is None:
        return []
    groupings = GroupingMember.objects.filter(country_id=country_id).values_list(
        "grouping_id", flat=True
    )
    return coordinators_of_groupings(groupings)


def managers_of_country(country_id: int | None) -> list[User]:
    if country_id is None:
        return []
    return _users(Q(pk__in=_members(role=Role.MANAGER, country_id=country_id).values("user_id")))


def editors_of_organisation(organisation_id: int | None) -> list[User]:
    if organisation_id is None:
        return []
    return _users(
        Q(pk__in=_members(role__in=EDITORS, organisation_id=organisation_id).values("user_id"))
    )


def managers_of_organisation(organisation_id: int | None) -> list[User]:
    if organisation_id is None:
        return []
    return _users(
        Q(pk__in=_members(role=Role.MANAGER, organisation_id=organisation_id).values("user_id"))
    )


# ------------------------------------------------------------------ assessments


def requester_of_assessment(assessment: Any) -> list[User]:
    """The focal point who filed the request; the country's managers if none is known."""
    requester = assessment.requested_by
    if requester is not None and requester.is_active:
        return [requester]
    return managers_of_country(assessment.country_id)


def lead_of_assessment(assessment: Any) -> list[User]:
    lead = assessment.lead
    return [lead] if lead is not None and lead.is_active else []


def coordinators_of_assessed_country(assessment: Any) -> list[User]:
    return coordinators_of_country(assessment.country_id)


def managers_of_assessed_country(assessment: Any) -> list[User]:
    return managers_of_country(assessment.country_id)


def team_of_assessment(assessment: Any) -> list[User]:
    return _users(Q(pk__in=assessment.team.values("pk")))


def team_and_coordinators(assessment: Any) -> list[User]:
    team = Q(pk__in=assessment.team.values("pk"))
    if assessment.lead_id:
        team |= Q(pk=assessment.lead_id)
    coordinators = {u.pk for u in coordinators_of_country(assessment.country_id)}
    return _users(team | Q(pk__in=coordinators))


# ------------------------------------------------------------------ experts


def proposed_experts(mission: Any) -> list[User]:
    """Experts with an account who hold a proposed (not yet confirmed) seat."""
    from reef.experts.models import TeamMember

    seats = TeamMember.objects.filter(mission=mission, status=TeamMember.Status.PROPOSED)
    return _users(Q(pk__in=seats.filter(profile__user__isnull=False).values("profile__user_id")))


def confirmed_team_of_mission(mission: Any) -> list[User]:
    """Experts with an account who hold a confirmed seat."""
    from reef.experts.models import TeamMember

    seats = TeamMember.objects.filter(mission=mission, status=TeamMember.Status.CONFIRMED)
    return _users(Q(pk__in=seats.filter(profile__user__isnull=False).values("profile__user_id")))


def reviewer_of_assignment(assignment: Any) -> list[User]:
    """The reviewer's account (none once the reviewer deleted their data)."""
    reviewer = assignment.reviewer
    if reviewer is None or reviewer.user_id is None:
        return []
    return _users(Q(pk=reviewer.user_id))


def members_of_pair(pair: Any) -> list[User]:
    """The mentee and the mentor."""
    ids = [p.user_id for p in (pair.mentee, pair.mentor) if p.user_id is not None]
    return _users(Q(pk__in=ids))


# ------------------------------------------------------------------ planning


def _beneficiary(plan: Any) -> list[User]:
    if plan.country_id:
        return managers_of_country(plan.country_id)
    if plan.grouping_id:
        return coordinators_of_groupings([plan.grouping_id])
    return managers_of_organisation(plan.organisation_id)


def beneficiary_of_commitment(commitment: Any) -> list[User]:
    """Who speaks for the state: the managers of the plan's country (a regional plan's
    coordinators, an organisation's plan its managers)."""
    return _beneficiary(commitment.need.plan)


def donor_of_commitment(commitment: Any) -> list[User]:
    """Editors and managers of the pledging organisation."""
    return editors_of_organisation(commitment.organisation_id)


def consortium_member_ids() -> list[int]:
    """Organisations that belong to a consortium, and the consortia themselves."""
    from reef.directory.models import Organisation

    return list(
        Organisation.objects.filter(Q(consortia__isnull=False) | Q(is_consortium=True))
        .distinct()
        .values_list("pk", flat=True)
    )


def interested_consortium_members(need: Any) -> list[User]:
    """Editors and managers of consortium members with a matching interest in the need's
    area: the user follows the area (their notification preferences), or their
    organisation has pledged before to a need in an area with the same key."""
    from reef.notifications.models import NotificationPreference
    from reef.planning.models import Commitment

    members = consortium_member_ids()
    if not members:
        return []
    area_key = need.area.key
    pledged_before = set(
        Commitment.objects.filter(organisation_id__in=members, need__area__key=area_key)
        .exclude(need_id=need.pk)
        .values_list("organisation_id", flat=True)
    )
    followers = {
        p.user_id
        for p in NotificationPreference.objects.filter(
            user__memberships__organisation_id__in=members
        )
        if area_key in (p.need_areas or [])
    }
    staff = _members(role__in=EDITORS, organisation_id__in=members)
    return _users(
        Q(pk__in=staff.filter(organisation_id__in=pledged_before).values("user_id"))
        | Q(pk__in=staff.filter(user_id__in=followers).values("user_id"))
    )


# ------------------------------------------------------------------ consultations


def not_yet_answered(consultation: Any) -> list[User]:
    """Participants and named members with no vote, statement, comment, amendment or
    Delphi answer in the consultation."""
    from reef.consultations.models import (
        Amendment,
        DelphiResponse,
        Participant,
        SectionComment,
        Statement,
        Vote,
    )

    answered = (
        Q(pk__in=Vote.objects.filter(consultation=consultation).values("participant_id"))
        | Q(pk__in=Statement.objects.filter(consultation=consultation).values("author_id"))
        | Q(
            pk__in=SectionComment.objects.filter(consultation=consultation).values("participant_id")
        )
        | Q(pk__in=Amendment.objects.filter(consultation=consultation).values("participant_id"))
        | Q(
            pk__in=DelphiResponse.objects.filter(consultation=consultation).values("participant_id")
        )
    )
    participants = Participant.objects.filter(consultation=consultation, user__isnull=False)
    silent = participants.exclude(answered).values("user_id")
    done = participants.filter(answered).values("user_id")
    named = Q(pk__in=consultation.members.values("pk")) & ~Q(pk__in=done)
    return _users(Q(pk__in=silent) | named)


RECIPIENTS = {
    "coordinators_of_assessed_country": coordinators_of_assessed_country,
    "requester_of_assessment": requester_of_assessment,
    "proposed_experts": proposed_experts,
    "confirmed_team_of_mission": confirmed_team_of_mission,
    "reviewer_of_assignment": reviewer_of_assignment,
    "members_of_pair": members_of_pair,
    "lead_of_assessment": lead_of_assessment,
    "managers_of_assessed_country": managers_of_assessed_country,
    "team_of_assessment": team_of_assessment,
    "team_and_coordinators": team_and_coordinators,
    "interested_consortium_members": interested_consortium_members,
    "beneficiary_of_commitment": beneficiary_of_commitment,
    "donor_of_commitment": donor_of_commitment,
    "not_yet_answered": not_yet_answered,
}


def recipients_for(kind: str, obj: Any) -> list[User]:
    """The recipients of `kind` for `obj`, by the kind's registered function."""
    from reef.notifications.kinds import KINDS

    found = KINDS.get(kind)
    if found is None:
        raise KeyError(kind)
    return list(RECIPIENTS[found.recipients](obj))
