"""Ratings (one, a batch, the rating sheet), consolidation decisions and targets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.assessments import rules, selectors, services, sheets
from reef.assessments.api.common import _assessment_for, _rating
from reef.assessments.api.schemas import (
    BulkRatingsIn,
    DecisionIn,
    DecisionOut,
    RatingIn,
    RatingOut,
    RowErrorsOut,
    TargetsIn,
)
from reef.core.rules import require

router = Router()


@router.get(
    "/assessments/{assessment_id}/ratings", response=list[RatingOut], openapi_extra=PAGE_HEADERS
)
def list_ratings(
    request: HttpRequest, assessment_id: int, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The ratings you may see: while rating is open, only your own (independence)."""
    a = selectors.assessment_get(request.user, assessment_id)
    ratings = selectors.ratings_visible(request.user, a)
    return [_rating(r) for r in paginate(request, response, page, ratings)]


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


@router.post(
    "/assessments/{assessment_id}/ratings/bulk",
    response={200: list[RatingOut], 400: RowErrorsOut},
)
def submit_ratings_bulk(request: HttpRequest, assessment_id: int, payload: BulkRatingsIn) -> Any:
    """Your own ratings of many indicators at once, versioned: a rating you already made
    must be named with its current `version` (from GET .../ratings), a new one with null.
    Every rating is checked; on any problem the answer (400) lists them all by row and
    nothing is saved."""
    user, a = _assessment_for(request, assessment_id)
    rows = [
        services.RatingRow(
            indicator=r.indicator,
            value=r.value,
            evidence=r.evidence,
            evidence_link=r.evidence_link,
            version=r.version,
            row=n,
        )
        for n, r in enumerate(payload.ratings, start=1)
    ]
    try:
        saved = services.ratings_submit_rows(actor=user, assessment=a, rows=rows)
    except services.RatingRowsInvalid as exc:
        return Status(400, {"detail": exc.message, "errors": [e.as_dict() for e in exc.errors]})
    return [_rating(r) for r in saved]


@router.get(
    "/assessments/{assessment_id}/decisions",
    response=list[DecisionOut],
    openapi_extra=PAGE_HEADERS,
)
def list_decisions(
    request: HttpRequest, assessment_id: int, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The consolidation decisions you may see."""
    a = selectors.assessment_get(request.user, assessment_id)
    decisions = selectors.decisions_of(request.user, a)
    return [_decision(d) for d in paginate(request, response, page, decisions)]


def _decision(d: Any) -> dict[str, Any]:
    return {
        "indicator": d.indicator.key,
        "value": d.value,
        "note": d.note,
        "dissent": list(d.dissent),
        "tlp": d.tlp,
    }


@router.put("/assessments/{assessment_id}/decisions/{indicator}", response=DecisionOut)
def put_decision(
    request: HttpRequest, assessment_id: int, indicator: str, payload: DecisionIn
) -> dict[str, Any]:
    """The team lead settles an indicator during consolidation."""
    user, a = _assessment_for(request, assessment_id)
    d = services.decision_record(
        actor=user,
        assessment=a,
        indicator=indicator,
        value=payload.value,
        note=payload.note,
        dissent=payload.dissent,
    )
    return _decision(d)


@router.get("/assessments/{assessment_id}/targets", response=dict[str, float])
def get_targets(request: HttpRequest, assessment_id: int) -> dict[str, float]:
    a = selectors.assessment_get(request.user, assessment_id)
    return selectors.targets_of(a)


@router.put("/assessments/{assessment_id}/targets", response=dict[str, float])
def put_targets(request: HttpRequest, assessment_id: int, payload: TargetsIn) -> dict[str, float]:
    """The team lead or the country's focal point sets targets (all checked, or none saved)."""
    user, a = _assessment_for(request, assessment_id)
    services.target_set(actor=user, assessment=a, targets=payload.targets)
    return selectors.targets_of(a)


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/assessments/{assessment_id}/sheet.xlsx",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "Your own rating sheet: every indicator, your ratings so far.",
                "content": {_XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_rating_sheet(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Export your own rating sheet (XLSX) to fill offline (members of the team)."""
    user, a = _assessment_for(request, assessment_id)
    require(rules.may_rate, user, a)
    response = HttpResponse(sheets.export_sheet(user, a), content_type=_XLSX)
    response["Content-Disposition"] = f'attachment; filename="reef-rating-sheet-{a.pk}.xlsx"'
    return response


@router.post(
    "/assessments/{assessment_id}/sheet",
    response={200: list[RatingOut], 400: RowErrorsOut},
)
def import_rating_sheet(request: HttpRequest, assessment_id: int, sheet: File[UploadedFile]) -> Any:
    """Import your filled rating sheet (multipart field `sheet`). Every row is checked;
    on any problem the answer (400) lists them by row and column and nothing is saved.
    Another assessment's or another assessor's sheet is refused."""
    user, a = _assessment_for(request, assessment_id)
    data = sheet.read(settings.REEF_MAX_UPLOAD_BYTES + 1)
    try:
        saved = services.ratings_import_sheet(actor=user, assessment=a, data=data)
    except services.RatingRowsInvalid as exc:
        return Status(
            400,
            {
                "detail": exc.message,
                "errors": [
                    {**e.as_dict(), "column": sheets.column_of(e.field)} for e in exc.errors
                ],
            },
        )
    return [_rating(r) for r in saved]
