"""The expert network API (/api/v1/experts/...). Same access rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.errors import ServiceError
from reef.directory.models import Country, Organisation
from reef.experts import selectors, services
from reef.experts.models import (
    ExpertiseTag,
    ExpertProfile,
    MissionRequest,
    ReviewRound,
    TeamMember,
)

router = Router(tags=["experts"])


class ProfileOut(Schema):
    id: int
    name: str
    sector: str
    country: str
    organisation: str | None
    expertise: list[str]
    languages: list[str]
    seniority: str
    tlp: str
    is_public: bool
    contact_tlp: str
    contact_email: str | None
    contact_phone: str | None


class MemberOut(Schema):
    # Null when the expert's profile is not shared with the caller (see `shared`).
    expert: int | None
    name: str
    shared: bool
    seat: str
    covers: list[str]
    fit: float
    reason: str
    runner_up: int | None
    runner_up_name: str | None
    runner_up_fit: float | None
    status: str
    chosen_by: str


class MissionOut(Schema):
    id: int
    title: str
    country: str
    start: dt.date
    end: dt.date
    languages: list[str]
    required_roles: dict[str, int]
    size: int
    nascent_seat: bool
    local_rule: bool
    status: str
    tlp: str
    assessment_ref: int | None
    team: list[MemberOut]
    missing: list[dict[str, Any]]


class MissionIn(Schema):
    title: str
    country: str
    start: dt.date
    end: dt.date
    languages: list[str] = ["en"]
    required_roles: dict[str, int] | None = None
    size: int = 3
    nascent_seat: bool = True
    local_rule: bool = True
    expertise: list[str] = []
    organisations: list[str] = []
    assessment_ref: int | None = None


class RoundOut(Schema):
    id: int
    title: str
    region: str
    opens_on: dt.date
    closes_on: dt.date
    reviewers_per_proposal: int
    objective: str
    status: str
    tlp: str
    proposals: list[dict[str, Any]]


class AssignmentOut(Schema):
    id: int
    proposal: int
    status: str
    score: int | None


class DeclineIn(Schema):
    reason: str = ""


class ReviewIn(Schema):
    score: int
    comments: str


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    url: str
    created_at: dt.datetime


def _profile(user: Any, p: ExpertProfile) -> ProfileOut:
    visible = selectors.contact_visible(user, p)
    return ProfileOut(
        id=p.pk,
        name=p.name,
        sector=p.sector,
        country=p.country.code,
        organisation=p.organisation.slug if p.organisation else None,
        expertise=sorted(t.key for t in p.expertise.all()),
        languages=list(p.languages),
        seniority=p.seniority,
        tlp=p.tlp,
        is_public=p.is_public,
        contact_tlp=p.contact_tlp,
        contact_email=p.contact_email if visible else None,
        contact_phone=p.contact_phone if visible else None,
    )


def _member(m: TeamMember, coordinator: bool) -> MemberOut:
    """A team member; one whose profile the caller may not see is only "an expert"."""
    runner = m.runner_up if coordinator and m.runner_up_shared else None
    shared = bool(m.shared)
    return MemberOut(
        expert=m.profile_id if shared else None,
        name=m.profile.name if shared else _("an expert (profile not shared with you)"),
        shared=shared,
        seat=m.seat,
        covers=list(m.covers) if shared else [],
        fit=m.fit if shared else 0.0,
        reason=m.reason if shared else "",
        runner_up=runner.pk if runner else None,
        runner_up_name=runner.name if runner else None,
        runner_up_fit=m.runner_up_fit if runner else None,
        status=m.status,
        chosen_by=m.chosen_by,
    )


def _mission(user: Any, m: MissionRequest) -> MissionOut:
    """The mission and its team; the second-best choices only for its coordinators."""
    team = selectors.mission_team(user, m)
    coordinator = selectors.can_coordinate(user, m.country_id)
    return MissionOut(
        id=m.pk,
        title=m.title,
        country=m.country.code,
        start=m.start,
        end=m.end,
        languages=list(m.languages),
        required_roles=dict(m.required_roles),
        size=m.size,
        nascent_seat=m.nascent_seat,
        local_rule=m.local_rule,
        status=m.status,
        tlp=m.tlp,
        assessment_ref=m.assessment_ref,
        team=[_member(x, coordinator) for x in team],
        missing=services.mission_coverage(m) if team else list(m.missing),
    )


def _round(user: Any, r: ReviewRound) -> RoundOut:
    # A list prefetches the proposals the caller may see (`visible_proposals`); one round asks.
    proposals = getattr(r, "visible_proposals", None)
    if proposals is None:
        proposals = selectors.proposals_for(user).filter(round=r)
    return RoundOut(
        id=r.pk,
        title=r.title,
        region=r.grouping.slug,
        opens_on=r.opens_on,
        closes_on=r.closes_on,
        reviewers_per_proposal=r.reviewers_per_proposal,
        objective=r.objective,
        status=r.status,
        tlp=r.tlp,
        proposals=[{"id": p.pk, "title": p.title, "tlp": p.tlp} for p in proposals],
    )


@router.get("/experts/profiles", response=list[ProfileOut], openapi_extra=PAGE_HEADERS)
def list_profiles(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[ProfileOut]:
    profiles = selectors.profiles_for(request.user)
    return [_profile(request.user, p) for p in paginate(request, response, page, profiles)]


@router.get("/experts/profiles/{pk}", response=ProfileOut)
def get_profile(request: HttpRequest, pk: int) -> ProfileOut:
    return _profile(request.user, selectors.profile_get(request.user, pk))


@router.get("/experts/me/export", response=dict[str, Any])
def export_me(request: HttpRequest) -> dict[str, Any]:
    user = require_user(request)
    profile = selectors.own_profile(user)
    if profile is None:
        raise Http404
    return services.profile_export(actor=user, profile=profile)


@router.delete("/experts/me", response=dict[str, int])
def delete_me(request: HttpRequest) -> dict[str, int]:
    user = require_user(request)
    profile = selectors.own_profile(user)
    if profile is None:
        raise Http404
    return services.profile_delete(actor=user, profile=profile)


@router.get("/experts/missions", response=list[MissionOut], openapi_extra=PAGE_HEADERS)
def list_missions(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[MissionOut]:
    missions = selectors.missions_for(request.user)
    return [_mission(request.user, m) for m in paginate(request, response, page, missions)]


@router.post("/experts/missions", response={201: MissionOut})
def create_mission(request: HttpRequest, body: MissionIn) -> Status[MissionOut]:
    """Request a mission (the country's editors or its region's coordinators)."""
    user = require_user(request)
    country = Country.objects.filter(code=body.country.upper()).first()
    if country is None:
        raise ServiceError(
            _("Unknown country %(value)s.") % {"value": body.country}, field="country"
        )
    tags = list(ExpertiseTag.objects.filter(key__in=body.expertise))
    if len(tags) != len(set(body.expertise)):
        raise ServiceError(_("Unknown expertise tag."), field="expertise")
    organisations = list(Organisation.objects.public().filter(slug__in=body.organisations))
    if len(organisations) != len(set(body.organisations)):
        raise ServiceError(_("Unknown organisation."), field="organisations")
    mission = services.mission_request_create(
        actor=user,
        title=body.title,
        country=country,
        start=body.start,
        end=body.end,
        languages=body.languages,
        required_roles=body.required_roles,
        size=body.size,
        nascent_seat=body.nascent_seat,
        local_rule=body.local_rule,
        expertise=tags,
        organisations=organisations,
        assessment_ref=body.assessment_ref,
    )
    return Status(201, _mission(user, mission))


@router.get("/experts/missions/{pk}", response=MissionOut)
def get_mission(request: HttpRequest, pk: int) -> MissionOut:
    return _mission(request.user, selectors.mission_get(request.user, pk))


@router.post("/experts/missions/{pk}/propose", response=MissionOut)
def propose_team(request: HttpRequest, pk: int) -> MissionOut:
    user = require_user(request)
    mission = selectors.mission_get(user, pk)
    services.mission_team_propose(actor=user, mission=mission)
    return _mission(user, selectors.mission_get(user, pk))


@router.post("/experts/missions/{pk}/confirm", response=MissionOut)
def confirm_team(request: HttpRequest, pk: int) -> MissionOut:
    user = require_user(request)
    mission = selectors.mission_get(user, pk)
    services.mission_team_confirm(actor=user, mission=mission)
    return _mission(user, selectors.mission_get(user, pk))


@router.get("/experts/rounds", response=list[RoundOut], openapi_extra=PAGE_HEADERS)
def list_rounds(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[RoundOut]:
    visible = selectors.proposals_for(request.user)
    rounds = selectors.rounds_for(request.user).prefetch_related(
        Prefetch("proposals", queryset=visible, to_attr="visible_proposals")
    )
    return [_round(request.user, r) for r in paginate(request, response, page, rounds)]


@router.get("/experts/rounds/{pk}", response=RoundOut)
def get_round(request: HttpRequest, pk: int) -> RoundOut:
    return _round(request.user, selectors.round_get(request.user, pk))


@router.get("/experts/proposals/{pk}/feedback", response=dict[str, Any])
def get_feedback(request: HttpRequest, pk: int) -> dict[str, Any]:
    return selectors.proposal_feedback(request.user, selectors.proposal_get(request.user, pk))


def _own_assignment(user: Any, pk: int) -> Any:
    assignment = selectors.assignment_get(user, pk)
    if assignment.reviewer is None or assignment.reviewer.user_id != user.pk:
        raise Http404
    return assignment


def _assignment(a: Any) -> AssignmentOut:
    return AssignmentOut(id=a.pk, proposal=a.proposal_id, status=a.status, score=a.score)


@router.post("/experts/assignments/{pk}/accept", response=AssignmentOut)
def accept_assignment(request: HttpRequest, pk: int) -> AssignmentOut:
    user = require_user(request)
    return _assignment(services.assignment_accept(actor=user, assignment=_own_assignment(user, pk)))


@router.post("/experts/assignments/{pk}/decline", response=list[AssignmentOut])
def decline_assignment(request: HttpRequest, pk: int, body: DeclineIn) -> list[AssignmentOut]:
    """Decline; answers with the invitations sent to replacement reviewers."""
    user = require_user(request)
    created = services.assignment_decline(
        actor=user, assignment=_own_assignment(user, pk), reason=body.reason
    )
    return [_assignment(a) for a in created]


@router.post("/experts/assignments/{pk}/review", response=AssignmentOut)
def submit_review(request: HttpRequest, pk: int, body: ReviewIn) -> AssignmentOut:
    user = require_user(request)
    return _assignment(
        services.review_submit(
            actor=user,
            assignment=_own_assignment(user, pk),
            score=body.score,
            comments=body.comments,
        )
    )


@router.get(
    "/experts/notifications",
    response=list[NotificationOut],
    deprecated=True,
    description=(
        "Deprecated: returns only the expert network's notifications sent before the shared "
        "inbox; new ones are in `GET /api/v1/notifications`."
    ),
    openapi_extra=PAGE_HEADERS,
)
def list_notifications(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[NotificationOut]:
    user = require_user(request)
    notifications = selectors.notifications_for(user)
    return [
        NotificationOut(id=n.pk, subject=n.subject, body=n.body, url=n.url, created_at=n.created_at)
        for n in paginate(request, response, page, notifications)
    ]
