"""Needs, actions and risks: finding needs, reading one, and versioned edits (If-Match)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query

from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.access import can
from reef.core.concurrency import etag_for, versioned_write
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.roles import Action as Act
from reef.core.rules import Rule, allowed
from reef.planning import rules, selectors, services
from reef.planning.api.base import router
from reef.planning.api.schemas import (
    VERSIONED,
    WRITE_ERRORS,
    ActionOut,
    NeedFoundOut,
    NeedOut,
    NeedPatchIn,
    NeedQuery,
    RiskOut,
    RiskPatchIn,
    SustainabilityPatchIn,
)
from reef.planning.api.serialise import action_out, need_out, risk_out
from reef.planning.models import Plan


@router.get("/planning/needs", response=list[NeedFoundOut], openapi_extra=PAGE_HEADERS)
def list_needs(
    request: HttpRequest, q: Query[NeedQuery], response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    """The needs you may see, filtered, each with its funding status."""
    found = selectors.need_filter(q.model_dump())
    matching = selectors.needs_matching(request.user, found)
    needs = paginate(request, response, page, matching)
    if not isinstance(matching, list):  # a list comes with its funding attached
        selectors.attach_funding(request.user, needs)
    return [
        need_out(n)
        | {
            "funding": n.funding,
            "committed": n.rolled.committed,
            "gap": n.rolled.gap,
            "currency": n.plan.currency,
        }
        for n in needs
    ]


@router.get("/planning/needs/{pk}", response=NeedOut)
def get_need(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    need = selectors.need_get(request.user, pk)
    response["ETag"] = etag_for(need)
    return need_out(need)


def _may_write(rule: Rule, user: Any, obj: Any, plan: Plan) -> None:
    """Before If-Match: 404 for those who do not see the plan, 403 for those who may not."""
    if allowed(rule, user, obj):
        return
    if not can(user, plan, Act.VIEW):
        raise ServiceError(_("Not found."), code="not_found")
    raise PermissionDenied()


@router.patch(
    "/planning/needs/{pk}",
    response={200: NeedOut, **WRITE_ERRORS},
    summary="Edit a need: title, description, area, cost and priority ratings",
    description=VERSIONED
    + "Bad values (a negative cost, an unknown currency or area, a rating outside 1-5) are "
    "refused with 400 naming the field, and nothing changes. Editors of the plan only.",
)
def patch_need(
    request: HttpRequest, pk: int, payload: NeedPatchIn, response: HttpResponse
) -> dict[str, Any]:
    user = require_user(request)
    need = selectors.need_get(user, pk)
    _may_write(rules.may_edit_need, user, need, need.plan)
    changes = payload.dict(exclude_unset=True)
    need = versioned_write(
        request,
        response,
        need,
        lambda version: services.need_update(
            actor=user, need=need, expected_version=version, **changes
        ),
    )
    return need_out(need)


@router.post(
    "/planning/needs/{pk}/publish",
    response={200: NeedOut, **WRITE_ERRORS},
    summary="Publish a draft need to donors",
    description=VERSIONED
    + "Announces the need to the consortium members interested in its area and lists it "
    "on their funding desk. A need without an estimated cost is refused (400, field "
    "`cost_amount`): set one with PATCH first.",
)
def publish_need(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    user = require_user(request)
    need = selectors.need_get(user, pk)
    _may_write(rules.may_publish_need, user, need, need.plan)
    need = versioned_write(
        request,
        response,
        need,
        lambda version: services.need_publish(actor=user, need=need, expected_version=version),
    )
    return need_out(need)


@router.get("/planning/actions/{pk}", response=ActionOut)
def get_action(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    action = selectors.action_get(request.user, pk)
    response["ETag"] = etag_for(action)
    return action_out(action)


@router.patch(
    "/planning/actions/{pk}/sustainability",
    response={200: ActionOut, **WRITE_ERRORS},
    summary="Edit an action's sustainability profile (the score is recomputed)",
    description=VERSIONED
    + "The answer carries the recomputed `sustainability_score` and `drive_by_training`. "
    "Editors of the plan only.",
)
def patch_sustainability(
    request: HttpRequest, pk: int, payload: SustainabilityPatchIn, response: HttpResponse
) -> dict[str, Any]:
    user = require_user(request)
    action = selectors.action_get(user, pk)
    _may_write(rules.may_set_sustainability, user, action, action.plan)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    action = versioned_write(
        request,
        response,
        action,
        lambda version: services.action_set_sustainability(
            actor=user, action=action, expected_version=version, **changes
        ),
    )
    return action_out(action)


@router.get("/planning/risks/{pk}", response=RiskOut)
def get_risk(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    risk = selectors.risk_get(request.user, pk)
    response["ETag"] = etag_for(risk)
    return risk_out(risk)


@router.patch(
    "/planning/risks/{pk}",
    response={200: RiskOut, **WRITE_ERRORS},
    summary="Edit a risk: likelihood, impact, owner, mitigation, review date",
    description=VERSIONED
    + "Likelihood and impact are whole numbers from 1 to 5 (400 otherwise, nothing "
    "changes). Send `review_on: null` to clear the review date. Editors of the plan only.",
)
def patch_risk(
    request: HttpRequest, pk: int, payload: RiskPatchIn, response: HttpResponse
) -> dict[str, Any]:
    user = require_user(request)
    risk = selectors.risk_get(user, pk)
    _may_write(rules.may_edit_risk, user, risk, risk.plan)
    # Left out or null keeps the stored value; only review_on may be cleared with null.
    changes = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k == "review_on"
    }
    risk = versioned_write(
        request,
        response,
        risk,
        lambda version: services.risk_update(
            actor=user, risk=risk, expected_version=version, **changes
        ),
    )
    return risk_out(risk)
