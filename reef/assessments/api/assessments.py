"""Assessments: list, read, request, the workflow's steps, summary, results, trends, gaps
turned into needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.assessments import selectors, services
from reef.assessments.api.common import _assessment, _assessment_for, _fresh
from reef.assessments.api.schemas import (
    AssessmentOut,
    NeedOut,
    ReassessIn,
    RequestIn,
    SummaryIn,
    TrendsOut,
)
from reef.core.errors import ServiceError
from reef.directory.models import Country
from reef.frameworks import selectors as framework_selectors

router = Router()


@router.get("/assessments", response=list[AssessmentOut], openapi_extra=PAGE_HEADERS)
def list_assessments(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery], country: str = ""
) -> list[dict[str, Any]]:
    qs = selectors.assessments_for(request.user).prefetch_related("team")
    if country:
        qs = qs.filter(country__code=country.upper())
    return [_assessment(a) for a in paginate(request, response, page, qs)]


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def get_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    return _assessment(selectors.assessment_get(request.user, assessment_id))


@router.get("/assessments/{assessment_id}/results", response=dict[str, Any])
def get_results(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """The scoring result: the same JSON as `reef assessment export ID --json`."""
    a = selectors.assessment_get(request.user, assessment_id)
    return selectors.assessment_export(a)


@router.post("/assessments", response={201: AssessmentOut})
def request_assessment(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    """The country's focal point requests an assessment (a later cycle links the last one)."""
    user = require_user(request)
    country = Country.objects.filter(code=payload.country.upper()).first()
    if country is None:
        raise ServiceError(
            _("Unknown country %(value)s.") % {"value": repr(payload.country)}, field="country"
        )
    framework = framework_selectors.framework_by_ref(user, payload.framework)
    a = services.assessment_request(
        actor=user, country=country, framework=framework, cycle=payload.cycle, title=payload.title
    )
    return Status(201, _fresh(user, a))


@router.post("/assessments/{assessment_id}/reassess", response={201: AssessmentOut})
def reassess(
    request: HttpRequest, assessment_id: int, payload: ReassessIn
) -> Status[dict[str, Any]]:
    """The country's focal point requests the next cycle of a completed assessment."""
    user, a = _assessment_for(request, assessment_id)
    new = services.assessment_request(
        actor=user, country=a.country, framework=a.framework, cycle=payload.cycle
    )
    return Status(201, _fresh(user, new))


def _step(name: str, service: Any, doc: str) -> None:
    def operation(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
        user, a = _assessment_for(request, assessment_id)
        service(actor=user, assessment=a)
        return _fresh(user, a)

    operation.__name__ = name.replace("-", "_")
    operation.__doc__ = doc
    router.post(f"/assessments/{{assessment_id}}/{name}", response=AssessmentOut)(operation)


_step("accept", services.assessment_accept, "A coordinator of the region accepts the request.")
_step(
    "open-rating",
    services.assessment_open_rating,
    "The coordinator opens rating: refused (400, with the reason) until the team holds a "
    "technical and a criminal-justice assessor (the CCI rule).",
)
_step("close-rating", services.assessment_close_rating, "The team lead closes rating.")
_step(
    "finish-consolidation",
    services.assessment_finish_consolidation,
    "The team lead finishes consolidation (refused while an indicator is disputed).",
)
_step(
    "agree-targets",
    services.assessment_agree_targets,
    "The country's focal point agrees the targets: the assessment is complete.",
)


@router.put("/assessments/{assessment_id}/summary", response=AssessmentOut)
def put_summary(request: HttpRequest, assessment_id: int, payload: SummaryIn) -> dict[str, Any]:
    """The team lead writes the report's executive summary."""
    user, a = _assessment_for(request, assessment_id)
    services.assessment_set_summary(actor=user, assessment=a, summary=payload.summary)
    return _fresh(user, a)


@router.get("/assessments/{assessment_id}/trends", response=TrendsOut)
def get_trends(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """The country's stages (or scores) over every cycle of this framework you may see
    whose rating has closed, oldest first."""
    a = selectors.assessment_get(request.user, assessment_id)
    return selectors.trends(request.user, a)


@router.post("/assessments/{assessment_id}/gaps/{aspect}/need", response={201: NeedOut})
def gap_to_need(request: HttpRequest, assessment_id: int, aspect: str) -> Status[dict[str, Any]]:
    """A manager of the country turns a gap of the assessment into a need of its plan."""
    user, a = _assessment_for(request, assessment_id)
    need = services.gap_propose_need(actor=user, assessment=a, aspect=aspect)
    return Status(201, {"id": need.pk, "title": need.title})
