"""Mission requests and their teams: the engine proposes, the coordinator edits and confirms."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor, user_of
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.experts import matching, rules
from reef.experts.models import (
    ConflictDeclaration,
    ExpertiseTag,
    ExpertProfile,
    MentoringActivity,
    MentorPair,
    MissionRequest,
    Sector,
    Seniority,
    TeamMember,
    default_roles,
    label_of,
    private_label,
)
from reef.experts.services.common import (
    _MISSION_COORDINATORS,
    _clean_languages,
    _require,
    _text,
    region_of,
)
from reef.experts.services.eligibility import (
    _cannot_join,
    explain,
    mission_problems,
)
from reef.notifications.services import notify_handoff

# --------------------------------------------------------------------------- missions


def _required_roles(required_roles: dict[str, int] | None) -> dict[str, int]:
    """The roles the team needs, with how many of each (the default ones when not given):
    known roles, counts not negative; roles needing nobody left out."""
    roles = default_roles() if required_roles is None else dict(required_roles)
    role_keys = set(
        ExpertiseTag.objects.filter(kind=ExpertiseTag.Kind.ROLE).values_list("key", flat=True)
    )
    for role, count in roles.items():
        if role not in role_keys:
            raise ServiceError(
                _("Unknown role %(value)s.") % {"value": role}, field="required_roles"
            )
        if not isinstance(count, int) or count < 0:
            raise ServiceError(
                _("The role %(value)s needs a non-negative count.") % {"value": role},
                field="required_roles",
            )
    return {k: v for k, v in roles.items() if v > 0}


@transaction.atomic
def mission_request_create(
    *,
    actor: Actor,
    title: str,
    country: Country,
    start: dt.date,
    end: dt.date,
    languages: Sequence[str] = ("en",),
    required_roles: dict[str, int] | None = None,
    size: int = 3,
    nascent_seat: bool = True,
    local_rule: bool = True,
    expertise: Sequence[ExpertiseTag] = (),
    organisations: Sequence[Organisation] = (),
    assessment_ref: int | None = None,
) -> MissionRequest:
    """A country (or its region's coordinator) requests a mission."""
    _require(
        rules.may_request_mission,
        actor,
        MissionRequest(country=country),
        _("Only the country's editors or its region's coordinators may request a mission."),
    )
    title = _text(title, "title")
    if end < start:
        raise ServiceError(_("The mission must not end before it starts."), field="end")
    roles = _required_roles(required_roles)
    if not 1 <= size <= 50:
        raise ServiceError(_("A team has from 1 to 50 members."), field="size")
    if assessment_ref is not None and not 1 <= assessment_ref <= 2**31 - 1:
        raise ServiceError(_("The assessment number is out of range."), field="assessment_ref")
    if sum(roles.values()) > size:
        raise ServiceError(
            _("The required roles need %(needed)s experts but the team size is %(size)s.")
            % {"needed": sum(roles.values()), "size": size},
            field="size",
        )
    langs = _clean_languages(languages)
    mission: MissionRequest = MissionRequest.objects.create(
        title=title,
        country=country,
        start=start,
        end=end,
        languages=langs,
        required_roles=roles,
        size=size,
        nascent_seat=nascent_seat,
        local_rule=local_rule,
        assessment_ref=assessment_ref,
        requested_by=user_of(actor),
        tlp=TLP.AMBER,
        owner_country=country,
    )
    if expertise:
        mission.expertise.set(expertise)
    if organisations:
        mission.organisations.set(organisations)
    audit_append(action="mission_request_create", actor=actor, obj=mission)
    return mission


def _expert_input(profile: ExpertProfile, regions: dict[int, str | None]) -> dict[str, Any]:
    tags = list(profile.expertise.all())
    conflicts = list(profile.conflicts.all())
    return {
        "id": profile.pk,
        "name": profile.name,
        "roles": sorted(t.key for t in tags if t.kind == ExpertiseTag.Kind.ROLE),
        "expertise": sorted(t.key for t in tags),
        "sector": profile.sector,
        "country": profile.country.code,
        "region": regions.get(profile.country_id),
        "organisation": profile.organisation.slug if profile.organisation else None,
        "languages": list(profile.languages),
        "seniority": profile.seniority,
        "availability": [
            {"start": a.start.isoformat(), "end": a.end.isoformat()}
            for a in profile.availability.all()
        ],
        "conflicts": {
            "countries": sorted(
                c.country.code
                for c in conflicts
                if c.kind == ConflictDeclaration.Kind.COUNTRY and c.country
            ),
            "organisations": sorted(
                c.organisation.slug
                for c in conflicts
                if c.kind == ConflictDeclaration.Kind.ORGANISATION and c.organisation
            ),
        },
    }


def mission_team_input(mission: MissionRequest) -> dict[str, Any]:
    """The `match_team` JSON for one mission over the whole network."""
    profiles = list(
        ExpertProfile.objects.filter(consent_at__isnull=False)
        .select_related("country", "organisation")
        .prefetch_related(
            "expertise", "availability", "conflicts__country", "conflicts__organisation"
        )
    )
    regions = {
        cid: region_of(cid) for cid in {p.country_id for p in profiles} | {mission.country_id}
    }
    busy = set(
        TeamMember.objects.filter(mission__start__lte=mission.end, mission__end__gte=mission.start)
        .exclude(mission=mission)
        .exclude(mission__status=MissionRequest.Status.CANCELLED)
        .values_list("profile_id", flat=True)
    )
    spec: dict[str, Any] = {
        "id": mission.pk,
        "title": mission.title,
        "country": mission.country.code,
        "region": regions.get(mission.country_id),
        "organisations": sorted(o.slug for o in mission.organisations.all()),
        "start": mission.start.isoformat(),
        "end": mission.end.isoformat(),
        "languages": list(mission.languages),
        "roles": dict(mission.required_roles),
        "size": mission.size,
        "nascent_seat": mission.nascent_seat,
        "expertise": sorted(t.key for t in mission.expertise.all()),
        "exclude": sorted(busy & {p.pk for p in profiles}),
    }
    if not mission.local_rule:
        spec["local"] = None
    return {
        "missions": [spec],
        "experts": [_expert_input(p, regions) for p in profiles],
        "candidates_extra": None,
        "time_limit": 20,
    }


def _seat_proposed(
    mission: MissionRequest, entry: dict[str, Any], profiles: dict[Any, ExpertProfile]
) -> TeamMember:
    """One engine-proposed member, with why and the runner-up for the seat."""
    profile = profiles[entry["expert"]]
    problems = mission_problems(profile, mission)
    if problems:  # the engine and our rules disagree: never propose such an expert
        raise ServiceError(_cannot_join(profile.name, problems))
    runner = entry.get("runner_up") or {}
    runner_profile = profiles.get(runner.get("expert")) if runner else None
    note = ""
    if runner and runner.get("assigned_to") is not None:
        note = _("already proposed for another mission")
    member: TeamMember = TeamMember.objects.create(
        mission=mission,
        profile=profile,
        seat=entry["seat"],
        covers=entry["covers"],
        fit=entry["fit"],
        reason=explain(entry.get("reason_parts"), entry["reason"]),
        runner_up=runner_profile,
        runner_up_fit=runner.get("fit") if runner else None,
        runner_up_note=note,
        **label_of(mission),
    )
    return member


@transaction.atomic
def mission_team_propose(*, actor: Actor, mission: MissionRequest) -> dict[str, Any]:
    """Propose a team with the matching engine; replaces the current proposal.

    Each member keeps why they were chosen and the second-best choice for their
    seat. Coverage the pool cannot give is kept in `mission.missing`.
    """
    _require(rules.may_propose_team, actor, mission, str(_MISSION_COORDINATORS))
    if mission.status in (MissionRequest.Status.CONFIRMED, MissionRequest.Status.CANCELLED):
        raise ServiceError(
            _("The team is confirmed; it cannot be proposed again.")
            if mission.status == MissionRequest.Status.CONFIRMED
            else _("The mission is cancelled; its team cannot be proposed again.")
        )
    data = mission_team_input(mission)
    try:
        result = matching.match_team(data)
    except matching.MatchingInputError as exc:  # pragma: no cover - our own input
        raise ServiceError(_("The mission cannot be matched: %(error)s") % {"error": exc}) from exc
    team = result["teams"][0]
    profiles = {
        p.pk: p
        for p in ExpertProfile.objects.filter(
            pk__in=[e["id"] for e in data["experts"]]
        ).prefetch_related("availability", "conflicts")
    }
    mission.team.all().delete()
    members = [*team["members"], *([team["nascent"]] if team["nascent"] else [])]
    for entry in members:
        _seat_proposed(mission, entry, profiles)
    mission.missing = team["missing"]
    mission.status = MissionRequest.Status.PROPOSED
    mission.version += 1
    mission.save()
    audit_append(
        action="mission_team_propose",
        actor=actor,
        obj=mission,
        detail={"members": [m["expert"] for m in members], "missing": team["missing"]},
    )
    notify_handoff(
        kind="mission.team_proposed",
        subject_obj=mission,
        actor=actor,
        url=reverse("experts:mission_detail", args=[mission.pk]),
    )
    return result


def mission_coverage(mission: MissionRequest) -> list[dict[str, Any]]:
    """Coverage rules the current team does not meet (empty when complete)."""
    members = [
        m
        for m in mission.team.select_related("profile").prefetch_related("profile__expertise")
        if m.seat != "nascent"
    ]
    missing: list[dict[str, Any]] = []
    region = region_of(mission.country_id)
    roles = {m.pk: {t.key for t in m.profile.expertise.all()} for m in members}
    needed = [r for r, n in mission.required_roles.items() for _ in range(n)]
    # Each member fills at most one role seat: search the (small) assignments.
    best = 0
    if needed:
        for choice in itertools.permutations(members, min(len(needed), len(members))):
            best = max(
                best, sum(1 for r, m in zip(needed, choice, strict=False) if r in roles[m.pk])
            )
            if best == len(needed):
                break
    for role, count in mission.required_roles.items():
        have = sum(1 for m in members if role in roles[m.pk])
        if have < count:
            missing.append({"rule": f"role:{role}", "needed": count, "covered": have})
    if best < len(needed) and not missing:
        missing.append({"rule": "roles", "needed": len(needed), "covered": best})
    if mission.local_rule:
        local = any(
            m.profile.sector in (Sector.PRIVATE, Sector.ACADEMIA)
            and (
                m.profile.country_id == mission.country_id
                or (region and region_of(m.profile.country_id) == region)
            )
            for m in members
        )
        if not local:
            missing.append({"rule": "local", "needed": 1, "covered": 0})
    for lang in mission.languages:
        if not any(lang in m.profile.languages for m in members):
            missing.append({"rule": f"language:{lang}", "needed": 1, "covered": 0})
    if len(members) < mission.size:
        missing.append({"rule": "size", "needed": mission.size, "covered": len(members)})
    return missing


@transaction.atomic
def team_member_add(
    *, actor: Actor, mission: MissionRequest, profile: ExpertProfile, seat: str = "general"
) -> TeamMember:
    """The coordinator adds an expert by hand; the hard rules still apply."""
    _require(rules.may_edit_team, actor, mission, str(_MISSION_COORDINATORS))
    if mission.status in (MissionRequest.Status.CONFIRMED, MissionRequest.Status.CANCELLED):
        raise ServiceError(_("The team is confirmed; it can no longer be edited."))
    if mission.team.filter(profile=profile).exists():
        raise ServiceError(
            _("%(name)s is already on the team.") % {"name": profile.name}, field="profile"
        )
    problems = mission_problems(profile, mission)
    if problems:
        raise ServiceError(_cannot_join(profile.name, problems), field="profile")
    if seat == "nascent" and profile.seniority != Seniority.NASCENT:
        raise ServiceError(_("Only a nascent specialist can take the shadow seat."), field="seat")
    if seat != "nascent" and profile.seniority == Seniority.NASCENT:
        seat = "nascent"
    member: TeamMember = TeamMember.objects.create(
        mission=mission,
        profile=profile,
        seat=seat,
        reason=_("added by the coordinator"),
        chosen_by="coordinator",
        **label_of(mission),
    )
    mission.missing = mission_coverage(mission)
    mission.save(update_fields=["missing", "updated_at"])
    audit_append(
        action="mission_member_add", actor=actor, obj=mission, detail={"profile": profile.pk}
    )
    return member


@transaction.atomic
def team_member_remove(*, actor: Actor, member: TeamMember) -> None:
    mission = member.mission
    _require(rules.may_edit_team, actor, mission, str(_MISSION_COORDINATORS))
    if mission.status in (MissionRequest.Status.CONFIRMED, MissionRequest.Status.CANCELLED):
        raise ServiceError(_("The team is confirmed; it can no longer be edited."))
    profile_id = member.profile_id
    member.delete()
    mission.missing = mission_coverage(mission)
    mission.save(update_fields=["missing", "updated_at"])
    audit_append(
        action="mission_member_remove", actor=actor, obj=mission, detail={"profile": profile_id}
    )


@transaction.atomic
def mission_team_confirm(*, actor: Actor, mission: MissionRequest) -> MissionRequest:
    """The coordinator confirms the team; members are told; a shadow seat is recorded
    in the nascent specialist's growth timeline."""
    _require(rules.may_confirm_team, actor, mission, str(_MISSION_COORDINATORS))
    if mission.status != MissionRequest.Status.PROPOSED:
        raise ServiceError(_("Only a proposed team can be confirmed."))
    members = list(
        mission.team.select_related("profile__user").prefetch_related(
            "profile__availability", "profile__conflicts"
        )
    )
    if not members:
        raise ServiceError(_("The team has no members."))
    for m in members:
        problems = mission_problems(m.profile, mission)
        if problems:
            raise ServiceError(_cannot_join(m.profile.name, problems))
    mission.team.update(status=TeamMember.Status.CONFIRMED)
    mission.status = MissionRequest.Status.CONFIRMED
    mission.missing = mission_coverage(mission)
    mission.version += 1
    mission.save()
    url = reverse("experts:mission_detail", args=[mission.pk])
    for m in members:
        if m.seat == "nascent":
            pair = MentorPair.objects.filter(
                mentee=m.profile, status=MentorPair.Status.ACTIVE
            ).first()
            MentoringActivity.objects.create(
                specialist=m.profile,
                pair=pair,
                mission=mission,
                kind=MentoringActivity.Kind.SHADOWED_MISSION,
                on=mission.start,
                description=_("Shadowed the mission %(title)s") % {"title": mission.title},
                **private_label(m.profile),
            )
    notify_handoff(kind="mission.team_confirmed", subject_obj=mission, actor=actor, url=url)
    audit_append(
        action="mission_team_confirm",
        actor=actor,
        obj=mission,
        detail={"members": [m.profile_id for m in members]},
    )
    if mission.assessment_ref is not None:
        # The confirmed team becomes the assessment's team, with its roles (issue 14).
        from reef.assessments.services import assessment_team_from_mission

        assessment_team_from_mission(actor=actor, mission=mission)
    return mission
