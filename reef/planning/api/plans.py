"""Plans: list, create, import, read, export; their risks, needs and actions; priorities."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Status

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.errors import ServiceError
from reef.directory.models import Country, Organisation
from reef.planning import exchange, selectors, services
from reef.planning.api.base import router
from reef.planning.api.schemas import (
    ActionIn,
    ActionOut,
    NeedIn,
    NeedOut,
    PlanDetailOut,
    PlanFileIn,
    PlanIn,
    PlanOut,
    ReasonIn,
    ReorderIn,
    RiskIn,
    RiskOut,
)
from reef.planning.api.serialise import action_out, group_out, need_out, plan_out, risk_out


@router.get("/planning/plans", response=list[PlanOut], openapi_extra=PAGE_HEADERS)
def list_plans(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    plans = selectors.plans_for(request.user)
    return [plan_out(p) for p in paginate(request, response, page, plans)]


@router.post("/planning/plans", response={201: PlanOut})
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    country = Country.objects.filter(code=payload.country.upper()).first()
    if country is None:
        raise ServiceError(_("Unknown country."), field="country")
    plan = services.plan_create(
        actor=user,
        country=country,
        title=payload.title,
        cycle=payload.cycle,
        tlp=payload.tlp,
        currency=payload.currency,
        start=payload.start,
        end=payload.end,
    )
    return Status(201, plan_out(plan))


# Before the /plans/{pk} routes, so that "import" is never read as a plan id.
@router.post("/planning/plans/import", response={201: PlanOut})
def import_plan(
    request: HttpRequest, payload: PlanFileIn, cycle: str = ""
) -> Status[dict[str, Any]]:
    """Create a national plan from a plan file sent as the JSON body; `cycle` overrides
    the file's cycle (as `reef plan import FILE --cycle C`)."""
    user = require_user(request)
    plan = exchange.plan_import(actor=user, data=payload.dict(), cycle=cycle or None)
    return Status(201, plan_out(plan))


@router.get("/planning/plans/{pk}/risks", response=list[RiskOut], openapi_extra=PAGE_HEADERS)
def list_risks(
    request: HttpRequest, pk: int, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    plan = selectors.plan_get(request.user, pk)
    risks = selectors.plan_risks(request.user, plan)
    return [risk_out(r) for r in paginate(request, response, page, risks)]


@router.post("/planning/plans/{pk}/risks", response={201: RiskOut})
def create_risk(request: HttpRequest, pk: int, payload: RiskIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    return Status(201, risk_out(services.risk_create(actor=user, plan=plan, **payload.dict())))


@router.post("/planning/needs/{pk}/actions", response={201: ActionOut})
def create_action(request: HttpRequest, pk: int, payload: ActionIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    need = selectors.need_get(user, pk)
    data = payload.dict()
    slug = data.pop("lead_organisation")
    lead = Organisation.objects.filter(slug=slug).first() if slug else None
    if slug and lead is None:
        raise ServiceError(_("Unknown organisation."), field="lead_organisation")
    return Status(
        201,
        action_out(services.action_create(actor=user, need=need, lead_organisation=lead, **data)),
    )


@router.get("/planning/plans/{pk}", response=PlanDetailOut)
def get_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = selectors.plan_get(request.user, pk)
    view = selectors.plan_overview(request.user, plan)
    return {
        **plan_out(plan),
        "needs": [need_out(n) for n in view.needs],
        "total": group_out(view.rolled.region),
        "by_area": [group_out(g) for g in view.rolled.by_area.values()],
    }


@router.get("/planning/plans/{pk}/export", response=dict[str, Any])
def export_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    return exchange.plan_to_dict(request.user, selectors.plan_get(request.user, pk))


@router.get("/planning/plans/{pk}/iati")
def export_iati(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(request.user, pk)
    return HttpResponse(
        exchange.plan_to_iati(request.user, plan), content_type="application/xml; charset=utf-8"
    )


@router.post("/planning/plans/{pk}/needs", response={201: NeedOut})
def create_need(request: HttpRequest, pk: int, payload: NeedIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    need = services.need_create(actor=user, plan=plan, **payload.dict())
    return Status(201, need_out(need))


@router.post("/planning/plans/{pk}/priorities/score", response=list[NeedOut])
def prioritise(request: HttpRequest, pk: int, payload: ReasonIn) -> list[dict[str, Any]]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    services.plan_prioritise(actor=user, plan=plan, reason=payload.reason)
    return [need_out(n) for n in selectors.plan_needs(user, plan)]


@router.post("/planning/plans/{pk}/priorities/order", response=list[NeedOut])
def reorder(request: HttpRequest, pk: int, payload: ReorderIn) -> list[dict[str, Any]]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    services.plan_reorder(actor=user, plan=plan, order=list(payload.order), reason=payload.reason)
    return [need_out(n) for n in selectors.plan_needs(user, plan)]


@router.post("/planning/plans/{pk}/priorities/confirm", response=PlanOut)
def confirm(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    services.plan_confirm_priorities(actor=user, plan=plan, reason=payload.reason)
    return plan_out(plan)
