from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from reef.api.auth import require_user
from reef.assessments import selectors, services
from reef.assessments.models import Assessment, Rating

router = Router(tags=["assessments"])


class AssessmentOut(Schema):
    id: int
    title: str
    country: str
    cycle: str
    framework: str
    status: str
    tlp: str
    previous: int | None
    lead: str | None
    team: list[str]


class RatingOut(Schema):
    id: int
    indicator: str
    assessor: str
    value: str
    evidence: str
    evidence_link: str
    has_file: bool
    tlp: str


class RatingIn(Schema):
    indicator: str
    value: str
    evidence: str = ""
    evidence_link: str = ""


def _assessment(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "country": a.country.code,
        "cycle": a.cycle,
        "framework": a.framework.ref,
        "status": a.status,
        "tlp": a.tlp,
        "previous": a.previous_id,
        "lead": str(a.lead) if a.lead else None,
        "team": [str(u) for u in a.team.all()],
    }


def _rating(r: Rating) -> dict[str, Any]:
    return {
        "id": r.pk,
        "indicator": r.indicator.key,
        "assessor": r.assessor_name,
        "value": r.value,
        "evidence": r.evidence_text,
        "evidence_link": r.evidence_link,
        "has_file": bool(r.evidence_file),
        "tlp": r.tlp,
    }


@router.get("/assessments", response=list[AssessmentOut])
def list_assessments(request: HttpRequest, country: str = "") -> list[dict[str, Any]]:
    qs = selectors.assessments_for(request.user).prefetch_related("team")
    if country:
        qs = qs.filter(country__code=country.upper())
    return [_assessment(a) for a in qs]


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return _assessment(selectors.assessment_get(request.user, assessment_id))


@router.get("/assessments/{assessment_id}/ratings", response=list[RatingOut])
def list_ratings(request: HttpRequest, assessment_id: int) -> list[dict[str, Any]]:
    """The ratings you may see: while rating is open, only your own (independence)."""
    a = selectors.assessment_get(request.user, assessment_id)
    return [_rating(r) for r in selectors.ratings_visible(request.user, a)]


@router.post("/assessments/{assessment_id}/ratings", response={201: RatingOut})
def submit_rating(
    request: HttpRequest, assessment_id: int, payload: RatingIn
) -> Status[dict[str, Any]]:
    """Submit (or replace) your own rating of an indicator."""
    user = require_user(request)
    a = selectors.assessment_get(user, assessment_id)
    rating = services.rating_submit(
        actor=user,
        assessment=a,
        indicator=payload.indicator,
        value=payload.value,
        evidence_text=payload.evidence,
        evidence_link=payload.evidence_link,
    )
    return Status(201, _rating(rating))


@router.get("/assessments/{assessment_id}/results", response=dict[str, Any])
def get_results(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """The scoring result: the same JSON as `reef assessment export ID --json`."""
    a = selectors.assessment_get(request.user, assessment_id)
    return selectors.assessment_export(a)
