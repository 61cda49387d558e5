"""Consultations: list, read, create, their window; joining one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.consultations import selectors, services
from reef.consultations.api.routing import router
from reef.consultations.api.schemas import (
    ConsultationIn,
    ConsultationOut,
    JoinIn,
    ParticipantOut,
    WindowIn,
    _consultation,
)
from reef.directory.models import Country, Grouping, Organisation


@router.get("/consultations", response=list[ConsultationOut], openapi_extra=PAGE_HEADERS)
def list_consultations(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[ConsultationOut]:
    consultations = selectors.consultations_for(request.user)
    return [_consultation(c) for c in paginate(request, response, page, consultations)]


@router.get("/consultations/{pk}", response=ConsultationOut)
def get_consultation(request: HttpRequest, pk: int) -> ConsultationOut:
    return _consultation(selectors.consultation_get(request.user, pk))


@router.post("/consultations", response={201: ConsultationOut})
def create_consultation(request: HttpRequest, payload: ConsultationIn) -> Any:
    """Create a consultation owned by an organisation (slug) or a country (ISO code) in
    which the caller is an editor."""
    user = require_user(request)
    org = (
        Organisation.objects.filter(slug=payload.owner_organisation).first()
        if payload.owner_organisation
        else None
    )
    country = (
        Country.objects.filter(code=payload.owner_country.upper()).first()
        if payload.owner_country
        else None
    )
    grouping = (
        Grouping.objects.filter(slug=payload.community_grouping).first()
        if payload.community_grouping
        else None
    )
    c = services.consultation_create(
        actor=user,
        title=payload.title,
        description=payload.description,
        owner_organisation=org,
        owner_country=country,
        tlp=payload.tlp,
        participation=payload.participation,
        community_grouping=grouping,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        document_title=payload.document_title,
    )
    return Status(201, _consultation(c))


@router.put("/consultations/{pk}/window", response=ConsultationOut)
def set_window(request: HttpRequest, pk: int, payload: WindowIn) -> ConsultationOut:
    """Change the review window: once open it can be extended, never shortened."""
    user = require_user(request)
    c = selectors.consultation_get(user, pk)
    c = services.consultation_set_window(
        actor=user, consultation=c, opens_at=payload.opens_at, closes_at=payload.closes_at
    )
    return _consultation(c)


@router.post("/consultations/{pk}/participation", response=ParticipantOut)
def join(request: HttpRequest, pk: int, payload: JoinIn) -> ParticipantOut:
    user = require_user(request)
    consultation = selectors.consultation_get(user, pk)
    country = Country.objects.filter(code=payload.country.upper()).first()
    p = services.participant_join(
        actor=user, consultation=consultation, sector=payload.sector, country=country
    )
    return ParticipantOut(
        number=p.number, sector=p.sector, country=p.country.code if p.country else None
    )
