"""The regional picture: a regional plan's roll-up, recurring themes, twinning."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.errors import ServiceError
from reef.planning import selectors, services
from reef.planning.api.base import router
from reef.planning.api.schemas import (
    RegionalOut,
    ThemeOut,
    TwinningLinkIn,
    TwinningLinkOut,
    TwinOut,
)
from reef.planning.api.serialise import group_out, plan_out


@router.get("/planning/regional/{pk}", response=RegionalOut)
def regional(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = selectors.plan_get(request.user, pk)
    if not plan.is_regional:
        raise ServiceError(_("Not found."), code="not_found")
    view = selectors.regional_overview(request.user, plan)
    return {
        "plan": plan_out(plan),
        "total": group_out(view.rolled.region),
        "by_area": [group_out(g) for g in view.rolled.by_area.values()],
        "by_country": [group_out(g) for g in view.rolled.by_country.values()],
        "actions": view.actions_total,
        "drive_by_training": view.drive_by,
        "progress": [
            {
                "at": p.at.isoformat(),
                "needs": p.needs,
                "covered_needs": p.covered_needs,
                "coverage": str(p.coverage),
                "committed": str(p.committed),
                "delivered": str(p.delivered),
                "gap": str(p.gap),
            }
            for p in view.progress
        ],
    }


@router.get("/planning/themes", response=ThemeOut)
def themes(request: HttpRequest) -> dict[str, Any]:
    t = selectors.themes(request.user)
    return {
        "countries": [c.code for c in t.countries],
        "areas": [a.key for a in t.areas],
        "cells": {
            row["country"].code: {c["area"].key: c["count"] for c in row["cells"]}
            for row in t.area_rows
        },
        "recurring_areas": [{"area": a.key, "countries": n} for a, n in t.recurring_areas],
        "recurring_factors": [{"factor": f, "countries": n} for f, n in t.recurring_factors],
    }


@router.get("/planning/twinning", response=list[TwinOut], openapi_extra=PAGE_HEADERS)
def twinning(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The strongest twinning candidates among the efforts you may see, best first."""
    opportunities = selectors.twinning_opportunities(request.user)
    return [
        {
            "a": o.a.ref,
            "b": o.b.ref,
            "a_organisation": o.a.organisation,
            "b_organisation": o.b.organisation,
            "a_title": o.a.title,
            "b_title": o.b.title,
            "score": o.candidate.score,
            "why": o.candidate.why,
            "linked": o.linked,
        }
        for o in paginate(request, response, page, opportunities)
    ]


@router.post("/planning/twinning/links", response={201: TwinningLinkOut})
def link(request: HttpRequest, payload: TwinningLinkIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    created = services.twinning_link(
        actor=user, a_ref=payload.a_ref, b_ref=payload.b_ref, note=payload.note
    )
    return Status(
        201,
        {
            "id": created.pk,
            "a_ref": created.a_ref,
            "b_ref": created.b_ref,
            "tlp": created.tlp,
        },
    )
