"""The assessment team: its members, roles and lead (by hand, by e-mail address or from a
confirmed mission), and rating opening once the team meets the CCI rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _

from reef.accounts.models import User
from reef.assessments import rules
from reef.assessments.models import (
    DEFAULT_RATING_TLP,
    REQUIRED_ROLES,
    Assessment,
    Status,
    TeamChange,
    TeamMembership,
    TeamRole,
)
from reef.assessments.services.common import _authorised, _check_status, _label, _set_status
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.notifications.services import notify_handoff


def _cci_missing(roles: Mapping[int, str]) -> list[str]:
    """The roles the CCI rule needs that the team (user pk -> role) does not hold."""
    held = set(roles.values())
    return [str(TeamRole(r).label) for r in REQUIRED_ROLES if r not in held]


def rating_blockers(assessment: Assessment) -> list[str]:
    """Why rating cannot open for this team yet (empty when it can): the CCI rule."""
    roles = dict(
        TeamMembership.objects.filter(assessment=assessment).values_list("user_id", "role")
    )
    if not roles:
        return [_("The assessment has no team yet.")]
    missing = _cci_missing(roles)
    if not missing:
        return []
    return [
        _(
            "Rating opens when the team holds at least one technical and one "
            "criminal-justice assessor; missing: %(roles)s."
        )
        % {"roles": ", ".join(missing)}
    ]


def _team_change(
    assessment: Assessment,
    *,
    member: User,
    kind: str,
    role: str,
    by: User,
    source: str,
) -> TeamChange:
    change: TeamChange = TeamChange.objects.create(
        assessment=assessment,
        member=member,
        member_name=str(member),
        kind=kind,
        role=role,
        by=by,
        by_name=str(by),
        source=source,
        tlp=_label(assessment, DEFAULT_RATING_TLP),
        owner_country=assessment.country,
    )
    return change


def _announce_rating_open(assessment: Assessment, actor: Actor) -> None:
    """The team's hand-off: each member is told that rating is open."""
    notify_handoff(
        kind="assessment.rating_opened",
        subject_obj=assessment,
        actor=actor,
        url=reverse("assessments:assessment_detail", args=[assessment.pk]),
    )


def _team_roles(
    assessment: Assessment, team: Mapping[int, User], lead: User, roles: Mapping[int, str]
) -> dict[int, str]:
    """Each member's role (technical when not given), once the team is checked: members
    active, a known role each, a lead who does not observe, the CCI rule while rating."""
    if not team:
        raise ServiceError(_("A team needs at least one assessor."), field="team")
    if lead.pk not in team:
        raise ServiceError(_("The team lead must be a member of the team."), field="lead")
    inactive = [u.email for u in team.values() if not u.is_active]
    if inactive:
        raise ServiceError(
            _("Inactive users cannot join a team: %(emails)s.") % {"emails": ", ".join(inactive)}
        )
    wanted: dict[int, str] = {}
    for pk, member in team.items():
        role = roles.get(pk, TeamRole.TECHNICAL)
        if role not in TeamRole.values:
            raise ServiceError(
                _("Unknown role %(value)s for %(member)s: one of %(known)s.")
                % {
                    "value": repr(role),
                    "member": member.email,
                    "known": ", ".join(TeamRole.values),
                },
                field="roles",
            )
        wanted[pk] = role
    if wanted[lead.pk] == TeamRole.OBSERVER:
        raise ServiceError(_("An observer cannot lead the team."), field="lead")
    if assessment.status == Status.RATING and _cci_missing(wanted):
        raise ServiceError(
            _(
                "Rating is open: the team must keep at least one technical and one "
                "criminal-justice assessor; missing: %(roles)s."
            )
            % {"roles": ", ".join(_cci_missing(wanted))},
            field="team",
        )
    return wanted


def _remove_unwanted(
    assessment: Assessment,
    current: Mapping[int, TeamMembership],
    wanted: Mapping[int, str],
    *,
    by: User,
    source: str,
) -> None:
    """The members no longer wanted leave the team, each removal kept in its history."""
    for pk, m in current.items():
        if pk not in wanted:
            _team_change(
                assessment,
                member=m.user,
                kind=TeamChange.Kind.REMOVED,
                role=m.role,
                by=by,
                source=source,
            )
            m.delete()


def _record_team(
    assessment: Assessment,
    team: Mapping[int, User],
    wanted: Mapping[int, str],
    lead: User,
    *,
    by: User,
    source: str,
) -> None:
    """Make the memberships what is wanted, each change kept in the team's history."""
    current = {m.user_id: m for m in TeamMembership.objects.filter(assessment=assessment)}
    _remove_unwanted(assessment, current, wanted, by=by, source=source)
    for pk, role in wanted.items():
        existing = current.get(pk)
        if existing is None:
            TeamMembership.objects.create(
                assessment=assessment,
                user=team[pk],
                role=role,
                source=source,
                tlp=_label(assessment, DEFAULT_RATING_TLP),
                owner_country=assessment.country,
            )
            _team_change(
                assessment,
                member=team[pk],
                kind=TeamChange.Kind.ADDED,
                role=role,
                by=by,
                source=source,
            )
        elif existing.role != role:
            existing.role = role
            existing.save(update_fields=["role", "updated_at"])
            _team_change(
                assessment,
                member=team[pk],
                kind=TeamChange.Kind.ROLE,
                role=role,
                by=by,
                source=source,
            )
    if assessment.lead_id != lead.pk:
        _team_change(
            assessment,
            member=lead,
            kind=TeamChange.Kind.LEAD,
            role=wanted[lead.pk],
            by=by,
            source=source,
        )


@transaction.atomic
def assessment_assign_team(
    *,
    actor: Actor,
    assessment: Assessment,
    members: Sequence[User],
    lead: User,
    roles: Mapping[int, str] | None = None,
    source: str = "",
) -> Assessment:
    """The coordinator names the team, each member's role and the lead.

    `roles` maps a member's user id to their role (technical when not given). Every
    change is kept in the team's history. Rating opens as soon as the team meets the
    CCI rule (a technical and a criminal-justice assessor); while rating is open the
    team must keep meeting it.
    """
    user = _authorised(
        rules.may_assign_team,
        actor,
        assessment,
        _("Only a coordinator of the country's region may assign the team."),
    )
    _check_status(assessment, [Status.ACCEPTED, Status.RATING], "assign")
    team = {u.pk: u for u in members}
    wanted = _team_roles(assessment, team, lead, roles or {})
    _record_team(assessment, team, wanted, lead, by=user, source=source)
    assessment.team.set(list(team.values()))
    assessment.lead = lead
    opens = assessment.status == Status.ACCEPTED and not _cci_missing(wanted)
    _set_status(assessment, Status.RATING if opens else assessment.status, ["lead"])
    audit_append(
        action="assessment_assign_team",
        actor=actor,
        obj=assessment,
        detail={
            "team": {str(pk): role for pk, role in sorted(wanted.items())},
            "lead": lead.pk,
            "source": source,
            "rating_opened": opens,
        },
    )
    if opens:
        _announce_rating_open(assessment, actor)
    return assessment


@transaction.atomic
def assessment_open_rating(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Open rating once the team meets the CCI rule (assigning such a team opens it too)."""
    _authorised(
        rules.may_open_rating,
        actor,
        assessment,
        _("Only a coordinator of the country's region may open rating."),
    )
    _check_status(assessment, [Status.ACCEPTED], "open")
    blockers = rating_blockers(assessment)
    if blockers:
        raise ServiceError(" ".join(blockers), code="invalid_state", field="team")
    _set_status(assessment, Status.RATING)
    audit_append(action="assessment_open_rating", actor=actor, obj=assessment)
    _announce_rating_open(assessment, actor)
    return assessment


#: Mission seats and expert role tags -> the assessment team's role.
_MISSION_ROLES = {
    "technical": TeamRole.TECHNICAL,
    "digital_forensics": TeamRole.TECHNICAL,
    "incident_response": TeamRole.TECHNICAL,
    "criminal_justice": TeamRole.CRIMINAL_JUSTICE,
    "prosecution": TeamRole.CRIMINAL_JUSTICE,
    "judiciary": TeamRole.CRIMINAL_JUSTICE,
    "legal_drafting": TeamRole.LEGAL,
    "policy": TeamRole.LEGAL,
}


def _mission_member_role(seat: str, role_tags: Sequence[str]) -> str:
    """A mission member's role: their role seat, else their first mapped role tag; the
    nascent specialist's shadow seat observes."""
    if seat == "nascent":
        return TeamRole.OBSERVER
    if seat.startswith("role:") and seat[5:] in _MISSION_ROLES:
        return _MISSION_ROLES[seat[5:]]
    for tag in sorted(role_tags):
        if tag in _MISSION_ROLES:
            return _MISSION_ROLES[tag]
    return TeamRole.OBSERVER


@transaction.atomic
def assessment_team_from_mission(*, actor: Actor, mission: Any) -> Assessment:
    """A confirmed mission's team becomes its assessment's team, with their roles.

    The mission names the assessment by number (`assessment_ref`). The lead stays the
    lead if still on the team; otherwise the best-fitting technical member leads (the
    coordinator can change it on the team page). Rating opens if the CCI rule holds.
    """
    from reef.experts.models import MissionRequest

    if mission.status != MissionRequest.Status.CONFIRMED:
        raise ServiceError(_("Only a confirmed mission team can become an assessment team."))
    if mission.assessment_ref is None:
        raise ServiceError(_("The mission names no assessment."), field="assessment_ref")
    assessment = (
        Assessment.objects.select_for_update()
        .filter(pk=mission.assessment_ref, country_id=mission.country_id)
        .first()
    )
    if assessment is None:
        raise ServiceError(
            _("The mission's assessment %(id)s does not exist for %(country)s.")
            % {"id": mission.assessment_ref, "country": mission.country.display_name},
            field="assessment_ref",
        )
    members = list(
        mission.team.select_related("profile__user")
        .prefetch_related("profile__expertise")
        .order_by("-fit", "pk")
    )
    users: list[User] = []
    roles: dict[int, str] = {}
    for m in members:
        person = m.profile.user
        if person is None or not person.is_active:
            continue
        tags = [t.key for t in m.profile.expertise.all() if t.kind == "role"]
        users.append(person)
        roles[person.pk] = _mission_member_role(m.seat, tags)
    if not users:
        raise ServiceError(_("The mission team has no active member with an account."))
    lead = next((u for u in users if u.pk == assessment.lead_id), None)
    if lead is None:
        lead = next(
            (u for u in users if roles[u.pk] == TeamRole.TECHNICAL),
            next((u for u in users if roles[u.pk] != TeamRole.OBSERVER), users[0]),
        )
    return assessment_assign_team(
        actor=actor,
        assessment=assessment,
        members=users,
        lead=lead,
        roles=roles,
        source=f"mission:{mission.pk}",
    )


def _verified_users(addresses: Sequence[str]) -> dict[str, User]:
    """address -> active user, only for addresses the user has verified.

    Whoever registers someone else's address first must not get their place on a team.
    """
    from allauth.account.models import EmailAddress

    wanted = {a.strip().lower() for a in addresses if a.strip()}
    found: dict[str, User] = {}
    rows = (
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(address__in=wanted, verified=True, user__is_active=True)
        .select_related("user")
    )
    for row in rows:
        found[row.address] = row.user
    return found


@transaction.atomic
def assessment_assign_team_by_email(
    *,
    actor: Actor,
    assessment: Assessment,
    emails: Sequence[str],
    lead_email: str,
    roles: Mapping[str, str] | None = None,
) -> Assessment:
    """Name the team by e-mail address (each verified by its account), with roles by
    address (technical when not given)."""
    # The rule first: who may not assign learns nothing about the addresses.
    _authorised(
        rules.may_assign_team,
        actor,
        assessment,
        _("Only a coordinator of the country's region may assign the team."),
    )
    addresses = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    lead_address = lead_email.strip().lower()
    if not addresses:
        raise ServiceError(_("A team needs at least one assessor."), field="team")
    if not lead_address:
        raise ServiceError(_("Name the team lead."), field="lead")
    users = _verified_users([*addresses, lead_address])
    missing = [a for a in dict.fromkeys([*addresses, lead_address]) if a not in users]
    if missing:
        raise ServiceError(
            _(
                "No active account has verified the e-mail address: %(emails)s. "
                "Each assessor must confirm their address before joining a team."
            )
            % {"emails": ", ".join(missing)},
            field="team",
        )
    return assessment_assign_team(
        actor=actor,
        assessment=assessment,
        members=[users[a] for a in addresses],
        lead=users[lead_address],
        roles={
            users[a].pk: role
            for a, role in ((k.strip().lower(), v) for k, v in (roles or {}).items())
            if a in users
        },
    )
