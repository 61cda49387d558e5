"""Commitments: offer, lists, read, and moves through their states."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.errors import ServiceError
from reef.directory.models import Organisation
from reef.planning import selectors, services
from reef.planning.api.base import router
from reef.planning.api.schemas import CommitmentOut, OfferIn, TransitionIn
from reef.planning.api.serialise import commitment_out


@router.post("/planning/needs/{pk}/commitments", response={201: CommitmentOut})
def offer(request: HttpRequest, pk: int, payload: OfferIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    need = selectors.need_get(user, pk)
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None:
        raise ServiceError(_("Unknown organisation."), field="organisation")
    action = selectors.action_get(user, payload.action) if payload.action else None
    commitment = services.commitment_offer(
        actor=user,
        need=need,
        organisation=organisation,
        kind=payload.kind,
        amount=payload.amount,
        currency=payload.currency,
        description=payload.description,
        start=payload.start,
        end=payload.end,
        action=action,
    )
    return Status(201, commitment_out(request, commitment))


@router.get("/planning/commitments", response=list[CommitmentOut], openapi_extra=PAGE_HEADERS)
def list_commitments(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    # The plan: the next steps ask who speaks for the beneficiary (no query per row).
    commitments = selectors.commitments_for(request.user).select_related("need__plan")
    return [commitment_out(request, c) for c in paginate(request, response, page, commitments)]


@router.get("/planning/my-commitments", response=list[CommitmentOut], openapi_extra=PAGE_HEADERS)
def my_commitments(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    """Commitments of the organisations you belong to."""
    user = require_user(request)
    commitments = selectors.my_commitments(user)
    return [commitment_out(request, c) for c in paginate(request, response, page, commitments)]


@router.get("/planning/commitments/{pk}", response=CommitmentOut)
def get_commitment(request: HttpRequest, pk: int) -> dict[str, Any]:
    return commitment_out(request, selectors.commitment_get(request.user, pk))


@router.post("/planning/commitments/{pk}/transition", response=CommitmentOut)
def transition(request: HttpRequest, pk: int, payload: TransitionIn) -> dict[str, Any]:
    user = require_user(request)
    commitment = selectors.commitment_get(user, pk)
    services.commitment_transition(
        actor=user, commitment=commitment, to=payload.to, note=payload.note
    )
    return commitment_out(request, commitment)
