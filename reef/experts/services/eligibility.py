"""Hard rules: who may not join a mission or review a proposal, and the engine's reasons
in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from reef.experts.models import (
    ConflictDeclaration,
    ExpertProfile,
    MissionRequest,
    Proposal,
    Sector,
    Seniority,
    TeamMember,
)

# --------------------------------------------------------------------------- eligibility


def _cannot_join(name: str, problems: list[str]) -> str:
    return _("%(name)s cannot join: %(problems)s.") % {
        "name": name,
        "problems": "; ".join(problems),
    }


def explain(parts: Any, fallback: str) -> str:
    """The matching engine's explanation in the active language.

    `parts` is the engine's `reason_parts`: (English template, params) pairs whose
    templates are marked for translation in `reef.experts.matching`; `fallback` is its
    English `reason`, used when there are no parts.
    """
    if not parts:
        return fallback
    clauses = []
    for template, params in parts:
        values = dict(params)
        if values.get("seniority") in Seniority.values:
            values["seniority"] = Seniority(values["seniority"]).label
        clauses.append(_(template) % values)
    return "; ".join(clauses)


def mission_problems(profile: ExpertProfile, mission: MissionRequest) -> list[str]:
    """Why an expert may not join a mission (empty when they may): hard rules."""
    problems: list[str] = []
    if not any(
        a.start <= mission.start and a.end >= mission.end for a in profile.availability.all()
    ):
        problems.append(_("not available on the mission dates"))
    involved = {o.pk for o in mission.organisations.all()}
    if profile.organisation_id is not None and profile.organisation_id in involved:
        problems.append(_("works for an organisation involved in the mission"))
    for c in profile.conflicts.all():
        if c.kind == ConflictDeclaration.Kind.COUNTRY and c.country_id == mission.country_id:
            problems.append(_("declared a conflict with the mission's country"))
        if c.kind == ConflictDeclaration.Kind.ORGANISATION and c.organisation_id in involved:
            problems.append(_("declared a conflict with an organisation involved in the mission"))
    busy = (
        TeamMember.objects.filter(
            profile=profile,
            mission__start__lte=mission.end,
            mission__end__gte=mission.start,
        )
        .exclude(mission=mission)
        .exclude(mission__status=MissionRequest.Status.CANCELLED)
    )
    if busy.exists():
        problems.append(_("already on another mission on overlapping dates"))
    return problems


def review_conflicts(profile: ExpertProfile, proposal: Proposal) -> list[str]:
    """Why an expert may not review a proposal (declared and derived conflicts)."""
    reasons: list[str] = []
    orgs = {o.pk for o in proposal.implementers.all()}
    if proposal.author_organisation_id is not None:
        orgs.add(proposal.author_organisation_id)
    if profile.organisation_id is not None and profile.organisation_id in orgs:
        reasons.append(_("same organisation as the proposal's author or implementer"))
    round_ = proposal.round
    if (
        round_.exclude_government_of_country
        and proposal.country_id is not None
        and profile.sector == Sector.GOVERNMENT
        and profile.country_id == proposal.country_id
    ):
        reasons.append(_("government employee of the country whose proposal is reviewed"))
    author = proposal.author_name.strip().casefold()
    for c in profile.conflicts.all():
        K = ConflictDeclaration.Kind
        if c.kind == K.ORGANISATION and c.organisation_id in orgs:
            reasons.append(_("declared a conflict with the proposal's author or implementer"))
        elif c.kind == K.COUNTRY and proposal.country_id and c.country_id == proposal.country_id:
            reasons.append(_("declared a conflict with the country concerned"))
        elif c.kind == K.PERSON and author and c.person_name.strip().casefold() == author:
            reasons.append(_("declared a conflict with the proposal's author"))
    return reasons
