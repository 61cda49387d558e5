"""Statements (list, submit, moderate), the next one to vote on, votes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.consultations import selectors, services
from reef.consultations.api.routing import router
from reef.consultations.api.schemas import (
    Error,
    ModerateIn,
    StatementIn,
    StatementOut,
    VoteIn,
    VoteOut,
    _statement,
)


@router.get(
    "/consultations/{pk}/statements", response=list[StatementOut], openapi_extra=PAGE_HEADERS
)
def list_statements(
    request: HttpRequest, pk: int, response: HttpResponse, page: Query[PageQuery]
) -> list[StatementOut]:
    consultation = selectors.consultation_get(request.user, pk)
    statements = selectors.statements_for(request.user, consultation)
    return [_statement(s) for s in paginate(request, response, page, statements)]


@router.post("/consultations/{pk}/statements", response={201: StatementOut})
def add_statement(request: HttpRequest, pk: int, payload: StatementIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    s = services.statement_submit(actor=user, consultation=consultation, body=payload.body)
    return Status(201, _statement(s))


@router.post("/consultations/{pk}/statements/{number}/moderation", response=StatementOut)
def moderate_statement(
    request: HttpRequest, pk: int, number: int, payload: ModerateIn
) -> StatementOut:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    statement = selectors.statement_get(user, consultation, number)
    return _statement(
        services.statement_moderate(actor=user, statement=statement, status=payload.status)
    )


@router.get("/consultations/{pk}/next", response={200: StatementOut, 204: None})
def next_statement(request: HttpRequest, pk: int) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    s = selectors.next_statement(user, consultation)
    if s is None:
        return Status(204, None)
    return Status(200, _statement(s))


@router.post("/consultations/{pk}/votes", response={200: VoteOut, 429: Error})
def cast_vote(request: HttpRequest, pk: int, payload: VoteIn) -> Any:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    statement = selectors.statement_get(user, consultation, payload.statement)
    try:
        v = services.vote_cast(
            actor=user,
            statement=statement,
            value=payload.value,
            ip=str(request.META.get("REMOTE_ADDR", "")),
        )
    except services.RateLimited as exc:
        return Status(429, Error(detail=exc.message))
    return Status(200, VoteOut(statement=statement.number, value=v.value))
