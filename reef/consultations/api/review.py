"""The review of a draft: sections, comments, amendments (proposed, re-based, decided)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.consultations import selectors, services
from reef.consultations.api.routing import router
from reef.consultations.api.schemas import (
    AmendmentIn,
    AmendmentOut,
    CommentIn,
    DecisionIn,
    Error,
    RebaseIn,
    SectionIn,
    _amendment,
)


@router.post("/consultations/{pk}/sections", response={201: dict[str, int]})
def create_section(request: HttpRequest, pk: int, payload: SectionIn) -> Any:
    user = require_user(request)
    c = selectors.consultation_get(user, pk)
    section = services.section_create(
        actor=user, consultation=c, heading=payload.heading, text=payload.text
    )
    return Status(201, {"number": section.number})


@router.post("/consultations/{pk}/sections/{number}/comments", response={201: dict[str, int]})
def add_comment(request: HttpRequest, pk: int, number: int, payload: CommentIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    section = selectors.section_get(user, consultation, number)
    c = services.section_comment_add(actor=user, section=section, body=payload.body)
    return Status(201, {"id": c.pk})


@router.post("/consultations/{pk}/sections/{number}/amendments", response={201: AmendmentOut})
def propose_amendment(request: HttpRequest, pk: int, number: int, payload: AmendmentIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    section = selectors.section_get(user, consultation, number)
    a = services.amendment_propose(
        actor=user,
        section=section,
        proposed_text=payload.proposed_text,
        rationale=payload.rationale,
    )
    return Status(201, _amendment(a))


@router.get(
    "/consultations/{pk}/sections/{number}/amendments",
    response=list[AmendmentOut],
    openapi_extra=PAGE_HEADERS,
)
def list_amendments(
    request: HttpRequest, pk: int, number: int, response: HttpResponse, page: Query[PageQuery]
) -> list[AmendmentOut]:
    """A section's amendments, each saying whether it is stale."""
    consultation = selectors.consultation_get(request.user, pk)
    section = selectors.section_get(request.user, consultation, number)
    amendments = selectors.section_amendments(request.user, section).select_related("section")
    return [_amendment(a) for a in paginate(request, response, page, amendments)]


@router.post(
    "/consultations/{pk}/amendments/{amendment_id}/rebase",
    response={200: AmendmentOut, 400: Error, 403: Error, 404: Error, 409: Error},
)
def rebase_amendment(
    request: HttpRequest, pk: int, amendment_id: int, payload: RebaseIn
) -> AmendmentOut:
    """The proposer re-writes a stale amendment on the section's current text."""
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    a = selectors.amendment_get(user, consultation, amendment_id)
    a = services.amendment_rebase(
        actor=user, amendment=a, proposed_text=payload.proposed_text, rationale=payload.rationale
    )
    return _amendment(a)


@router.post("/consultations/{pk}/amendments/{amendment_id}/decision", response=AmendmentOut)
def decide_amendment(request: HttpRequest, pk: int, amendment_id: int, payload: DecisionIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    a = selectors.amendment_get(user, consultation, amendment_id)
    a = services.amendment_decide(
        actor=user, amendment=a, accept=payload.accept, reason=payload.reason
    )
    return _amendment(a)
