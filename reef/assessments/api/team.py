"""The assessment team (members, roles, history) and stakeholder sessions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from reef.assessments import selectors, services
from reef.assessments.api.common import _assessment_for
from reef.assessments.api.schemas import SessionIn, SessionOut, TeamIn, TeamOut
from reef.assessments.models import Assessment, TeamMembership

router = Router()


def _team(user: Any, a: Assessment) -> dict[str, Any]:
    return {
        "status": a.status,
        "members": [
            {
                "user": str(m.user),
                "role": m.role,
                "lead": m.user_id == a.lead_id,
                "source": m.source,
            }
            for m in TeamMembership.objects.filter(assessment=a).select_related("user")
        ],
        "history": [
            {
                "at": c.created_at,
                "member": c.member_name,
                "change": c.kind,
                "role": c.role,
                "by": c.by_name,
                "source": c.source,
            }
            for c in selectors.team_history(user, a)
        ],
        "rating_blockers": services.rating_blockers(a) if a.status == "accepted" else [],
    }


@router.get("/assessments/{assessment_id}/team", response=TeamOut)
def get_team(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """The team with roles, its history, and why rating cannot open yet (if so)."""
    a = selectors.assessment_get(request.user, assessment_id)
    return _team(request.user, a)


@router.put("/assessments/{assessment_id}/team", response=TeamOut)
def put_team(request: HttpRequest, assessment_id: int, payload: TeamIn) -> dict[str, Any]:
    """The coordinator names the team (verified addresses), roles and lead. Rating opens
    when the CCI rule holds; every change is kept in the history."""
    user, a = _assessment_for(request, assessment_id)
    services.assessment_assign_team_by_email(
        actor=user,
        assessment=a,
        emails=[m.email for m in payload.members],
        lead_email=payload.lead,
        roles={m.email: m.role for m in payload.members},
    )
    return _team(user, selectors.assessment_get(user, a.pk))


@router.post("/assessments/{assessment_id}/sessions", response={201: SessionOut})
def add_session(
    request: HttpRequest, assessment_id: int, payload: SessionIn
) -> Status[dict[str, Any]]:
    """The team or the coordinator records a stakeholder session."""
    user, a = _assessment_for(request, assessment_id)
    s = services.session_record(
        actor=user,
        assessment=a,
        cluster=payload.cluster,
        held_on=payload.held_on,
        participants=payload.participants,
        notes=payload.notes,
    )
    return Status(
        201,
        {
            "id": s.pk,
            "cluster": s.cluster,
            "held_on": s.held_on,
            "participants": s.participants,
            "notes": s.notes,
            "tlp": s.tlp,
        },
    )
