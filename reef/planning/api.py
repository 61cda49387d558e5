"""Planning API: /api/v1/planning/... under the same access rules as the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from reef.accounts.roles import Action as Act
from reef.api.auth import require_user
from reef.api.pagination import PAGE_HEADERS, PageQuery, paginate
from reef.core.access import can
from reef.core.concurrency import etag_for, versioned_write
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.rules import Rule, allowed
from reef.directory.models import Country, Organisation
from reef.planning import exchange, rules, selectors, services
from reef.planning.models import Action, Commitment, Need, Plan, Risk

router = Router(tags=["planning"])


class PlanOut(Schema):
    id: int
    kind: str
    title: str
    cycle: str
    country: str | None
    organisation: str | None
    grouping: str | None
    tlp: str
    currency: str
    weights: dict[str, Decimal]
    priorities_confirmed_at: str | None


class GroupOut(Schema):
    key: str | None
    needs: int
    covered_needs: int
    coverage: Decimal
    cost: Decimal
    committed: Decimal
    gap: Decimal
    needs_without_cost: int


class NeedOut(Schema):
    id: int
    plan: int
    country: str | None
    area: str
    title: str
    description: str
    tlp: str
    source: str
    framework: str
    factor_key: str
    aspect_key: str
    missing_indicators: list[str]
    assessment_ref: int | None
    cost_amount: Decimal | None
    cost_currency: str
    impact: int
    urgency: int
    feasibility: int
    cost_rating: int
    score: Decimal | None
    position: int | None
    published: bool
    version: int


class NeedFoundOut(NeedOut):
    funding: str = Field(description="unfunded, partly or fully (funded)")
    committed: Decimal = Field(
        description="commitments that count (accepted or later) you may see, in the plan's currency"
    )
    gap: Decimal | None = Field(description="cost less committed; null while the cost is unknown")
    currency: str = Field(description="the plan's reporting currency for committed and gap")


class PlanDetailOut(PlanOut):
    needs: list[NeedOut]
    total: GroupOut
    by_area: list[GroupOut]


class CommitmentOut(Schema):
    id: int
    need: int
    action: int | None
    organisation: str
    kind: str
    status: str
    amount: Decimal | None
    currency: str
    description: str
    start: date | None
    end: date | None
    tlp: str
    next_steps: list[str]


class OfferIn(Schema):
    organisation: str
    kind: str = "money"
    amount: Decimal | None = None
    currency: str = "USD"
    description: str = ""
    start: date | None = None
    end: date | None = None
    action: int | None = None


class NeedIn(Schema):
    area: str
    title: str
    description: str = ""
    cost_amount: Decimal | None = None
    cost_currency: str = "USD"
    impact: int = 3
    urgency: int = 3
    feasibility: int = 3
    cost_rating: int = 3
    tlp: str | None = None


class PlanIn(Schema):
    country: str
    title: str
    cycle: str
    tlp: str = "TLP:AMBER"
    currency: str = "USD"
    start: date | None = None
    end: date | None = None


class ActionIn(Schema):
    title: str
    start: date
    end: date
    description: str = ""
    lead_organisation: str | None = None
    budget_amount: Decimal | None = None
    budget_currency: str = "USD"
    delivery: str = "recurring_programme"
    is_training: bool = False
    train_the_trainer: bool = False
    curriculum_integration: bool = False
    local_ownership: bool = False
    post_donor_funding: bool = False


class ActionOut(Schema):
    id: int
    need: int
    title: str
    lead_organisation: str | None
    start: date
    end: date
    status: str
    progress: int
    sustainability_score: int
    drive_by_training: bool
    tlp: str
    delivery: str
    is_training: bool
    train_the_trainer: bool
    curriculum_integration: bool
    local_ownership: bool
    post_donor_funding: bool
    version: int


class RiskIn(Schema):
    category: str
    description: str
    likelihood: int
    impact: int
    risk_owner: str = ""
    mitigation: str = ""
    review_on: date | None = None


class RiskOut(Schema):
    id: int
    category: str
    description: str
    likelihood: int
    impact: int
    score: int
    risk_owner: str
    mitigation: str
    review_on: date | None
    version: int


def _ex(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class NeedPatchIn(Schema):
    """The fields to change; those left out are kept."""

    model_config = _ex(
        {"cost_amount": "85000.00", "cost_currency": "USD"},
        {
            "title": "Prosecutors trained in electronic evidence",
            "area": "legal-environment",
            "impact": 5,
            "urgency": 4,
        },
    )

    title: str | None = None
    description: str | None = None
    area: str | None = Field(None, description="key of an area of the plan's taxonomy")
    cost_amount: Decimal | None = Field(None, description="estimated cost, zero or more")
    cost_currency: str | None = Field(
        None, description="ISO 4217 code known to the plan (USD, EUR, XCD, ...)"
    )
    impact: int | None = Field(None, description="1 to 5")
    urgency: int | None = Field(None, description="1 to 5")
    feasibility: int | None = Field(None, description="1 to 5")
    cost_rating: int | None = Field(None, description="1 to 5 (5 = most expensive)")


class SustainabilityPatchIn(Schema):
    """The profile's fields to change; those left out are kept. The score is recomputed."""

    model_config = _ex(
        {"delivery": "recurring_programme", "train_the_trainer": True, "local_ownership": True}
    )

    delivery: str | None = Field(None, description="one_off_event or recurring_programme")
    is_training: bool | None = None
    train_the_trainer: bool | None = None
    curriculum_integration: bool | None = None
    local_ownership: bool | None = None
    post_donor_funding: bool | None = None


class RiskPatchIn(Schema):
    """The fields to change; those left out are kept."""

    model_config = _ex(
        {
            "likelihood": 4,
            "impact": 5,
            "risk_owner": "Permanent Secretary, Ministry of ICT",
            "mitigation": "Cross-party briefing before the budget.",
        }
    )

    likelihood: int | None = Field(None, description="1 to 5")
    impact: int | None = Field(None, description="1 to 5")
    risk_owner: str | None = None
    mitigation: str | None = None
    review_on: date | None = None


class PlanningErrorOut(Schema):
    detail: str
    field: str | None = None


_VERSIONED = (
    "Send `If-Match` with the ETag from the GET of the record: 428 without it, 412 when "
    "the record changed since (nothing is written). Answers the new ETag. "
)
_WRITE_ERRORS: dict[int, Any] = {
    400: PlanningErrorOut,
    401: PlanningErrorOut,
    403: PlanningErrorOut,
    404: PlanningErrorOut,
    412: PlanningErrorOut,
    428: PlanningErrorOut,
}


class PlanFileIn(Schema):
    """A plan file as `reef plan export COUNTRY --json` and `GET plans/{id}/export` write it."""

    model_config = ConfigDict(extra="allow")

    format: str = Field(description='"reef-plan"')
    version: int = Field(description="1")
    plan: dict[str, Any] = Field(
        description="country (ISO code), title, cycle, tlp, currency, start, end, weights"
    )
    needs: list[dict[str, Any]] = Field(
        default_factory=list, description="needs in priority order, with actions and milestones"
    )
    risks: list[dict[str, Any]] = Field(default_factory=list)


class TransitionIn(Schema):
    to: str
    note: str = ""


class ReorderIn(Schema):
    order: list[int]
    reason: str


class ReasonIn(Schema):
    reason: str = ""


class RegionalOut(Schema):
    plan: PlanOut
    total: GroupOut
    by_area: list[GroupOut]
    by_country: list[GroupOut]
    actions: int
    drive_by_training: int
    progress: list[dict[str, Any]]


class ThemeOut(Schema):
    countries: list[str]
    areas: list[str]
    cells: dict[str, dict[str, int]]
    recurring_areas: list[dict[str, Any]]
    recurring_factors: list[dict[str, Any]]


class TwinOut(Schema):
    a: str
    b: str
    a_organisation: str
    b_organisation: str
    a_title: str
    b_title: str
    score: float
    why: str
    linked: bool


# Named for the app: OpenAPI components are keyed by class name, and records has a LinkIn.
class TwinningLinkIn(Schema):
    a_ref: str = Field(description='an effort: "action:ID" or "commitment:ID"')
    b_ref: str = Field(description='the other effort: "action:ID" or "commitment:ID"')
    note: str = ""


class TwinningLinkOut(Schema):
    id: int
    a_ref: str
    b_ref: str
    tlp: str


def _plan(p: Plan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "title": p.title,
        "cycle": p.cycle,
        "country": p.country.code if p.country else None,
        "organisation": p.organisation.slug if p.organisation else None,
        "grouping": p.grouping.slug if p.grouping else None,
        "tlp": p.tlp,
        "currency": p.currency,
        "weights": p.weights,
        "priorities_confirmed_at": (
            p.priorities_confirmed_at.isoformat() if p.priorities_confirmed_at else None
        ),
    }


def _need(n: Need) -> dict[str, Any]:
    return {
        "id": n.pk,
        "plan": n.plan_id,
        "country": n.country.code if n.country else None,
        "area": n.area.key,
        "title": n.title,
        "description": n.description,
        "tlp": n.tlp,
        "source": n.source,
        "framework": n.framework,
        "factor_key": n.factor_key,
        "aspect_key": n.aspect_key,
        "missing_indicators": n.missing_indicators,
        "assessment_ref": n.assessment_ref,
        "cost_amount": n.cost_amount,
        "cost_currency": n.cost_currency,
        "impact": n.impact,
        "urgency": n.urgency,
        "feasibility": n.feasibility,
        "cost_rating": n.cost_rating,
        "score": n.score,
        "position": n.position,
        "published": n.is_published,
        "version": n.version,
    }


def _group(g: Any) -> dict[str, Any]:
    return {
        "key": g.key,
        "needs": g.needs,
        "covered_needs": g.covered_needs,
        "coverage": g.coverage,
        "cost": g.cost,
        "committed": g.committed,
        "gap": g.gap,
        "needs_without_cost": g.needs_without_cost,
    }


def _risk(r: Risk) -> dict[str, Any]:
    return {
        "id": r.pk,
        "category": r.category,
        "description": r.description,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "score": r.score,
        "risk_owner": r.risk_owner,
        "mitigation": r.mitigation,
        "review_on": r.review_on,
        "version": r.version,
    }


def _action(a: Action) -> dict[str, Any]:
    return {
        "id": a.pk,
        "need": a.need_id,
        "title": a.title,
        "lead_organisation": a.lead_organisation.slug if a.lead_organisation else None,
        "start": a.start,
        "end": a.end,
        "status": a.status,
        "progress": a.progress,
        "sustainability_score": a.sustainability_score,
        "drive_by_training": a.drive_by_training,
        "tlp": a.tlp,
        "delivery": a.delivery,
        "is_training": a.is_training,
        "train_the_trainer": a.train_the_trainer,
        "curriculum_integration": a.curriculum_integration,
        "local_ownership": a.local_ownership,
        "post_donor_funding": a.post_donor_funding,
        "version": a.version,
    }


def _commitment(request: HttpRequest, c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "need": c.need_id,
        "action": c.action_id,
        "organisation": c.organisation.slug,
        "kind": c.kind,
        "status": c.status,
        "amount": c.amount,
        "currency": c.currency,
        "description": c.description,
        "start": c.start,
        "end": c.end,
        "tlp": c.tlp,
        "next_steps": services.commitment_next_steps(request.user, c)
        if request.user.is_authenticated
        else [],
    }


@router.get("/planning/plans", response=list[PlanOut], openapi_extra=PAGE_HEADERS)
def list_plans(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    plans = selectors.plans_for(request.user)
    return [_plan(p) for p in paginate(request, response, page, plans)]


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
    return Status(201, _plan(plan))


# Before the /plans/{pk} routes, so that "import" is never read as a plan id.
@router.post("/planning/plans/import", response={201: PlanOut})
def import_plan(
    request: HttpRequest, payload: PlanFileIn, cycle: str = ""
) -> Status[dict[str, Any]]:
    """Create a national plan from a plan file sent as the JSON body; `cycle` overrides
    the file's cycle (as `reef plan import FILE --cycle C`)."""
    user = require_user(request)
    plan = exchange.plan_import(actor=user, data=payload.dict(), cycle=cycle or None)
    return Status(201, _plan(plan))


@router.get("/planning/plans/{pk}/risks", response=list[RiskOut], openapi_extra=PAGE_HEADERS)
def list_risks(
    request: HttpRequest, pk: int, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    plan = selectors.plan_get(request.user, pk)
    risks = selectors.plan_risks(request.user, plan)
    return [_risk(r) for r in paginate(request, response, page, risks)]


@router.post("/planning/plans/{pk}/risks", response={201: RiskOut})
def create_risk(request: HttpRequest, pk: int, payload: RiskIn) -> Status[dict[str, Any]]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    return Status(201, _risk(services.risk_create(actor=user, plan=plan, **payload.dict())))


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
        201, _action(services.action_create(actor=user, need=need, lead_organisation=lead, **data))
    )


@router.get("/planning/plans/{pk}", response=PlanDetailOut)
def get_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = selectors.plan_get(request.user, pk)
    view = selectors.plan_overview(request.user, plan)
    return {
        **_plan(plan),
        "needs": [_need(n) for n in view.needs],
        "total": _group(view.rolled.region),
        "by_area": [_group(g) for g in view.rolled.by_area.values()],
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
    return Status(201, _need(need))


@router.post("/planning/plans/{pk}/priorities/score", response=list[NeedOut])
def prioritise(request: HttpRequest, pk: int, payload: ReasonIn) -> list[dict[str, Any]]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    services.plan_prioritise(actor=user, plan=plan, reason=payload.reason)
    return [_need(n) for n in selectors.plan_needs(user, plan)]


@router.post("/planning/plans/{pk}/priorities/order", response=list[NeedOut])
def reorder(request: HttpRequest, pk: int, payload: ReorderIn) -> list[dict[str, Any]]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    services.plan_reorder(actor=user, plan=plan, order=list(payload.order), reason=payload.reason)
    return [_need(n) for n in selectors.plan_needs(user, plan)]


@router.post("/planning/plans/{pk}/priorities/confirm", response=PlanOut)
def confirm(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    user = require_user(request)
    plan = selectors.plan_get(user, pk)
    services.plan_confirm_priorities(actor=user, plan=plan, reason=payload.reason)
    return _plan(plan)


class NeedQuery(Schema):
    country: str = Field("", description="ISO 3166 alpha-2 code")
    area: str = Field("", description="area key")
    funding: str = Field("", description="unfunded, partly or fully")
    priority: str = Field("", description="only needs among the first N of their plan")


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
        _need(n)
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
    return _need(need)


def _may_write(rule: Rule, user: Any, obj: Any, plan: Plan) -> None:
    """Before If-Match: 404 for those who do not see the plan, 403 for those who may not."""
    if allowed(rule, user, obj):
        return
    if not can(user, plan, Act.VIEW):
        raise ServiceError(_("Not found."), code="not_found")
    raise PermissionDenied()


@router.patch(
    "/planning/needs/{pk}",
    response={200: NeedOut, **_WRITE_ERRORS},
    summary="Edit a need: title, description, area, cost and priority ratings",
    description=_VERSIONED
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
    return _need(need)


@router.post(
    "/planning/needs/{pk}/publish",
    response={200: NeedOut, **_WRITE_ERRORS},
    summary="Publish a draft need to donors",
    description=_VERSIONED
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
    return _need(need)


@router.get("/planning/actions/{pk}", response=ActionOut)
def get_action(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    action = selectors.action_get(request.user, pk)
    response["ETag"] = etag_for(action)
    return _action(action)


@router.patch(
    "/planning/actions/{pk}/sustainability",
    response={200: ActionOut, **_WRITE_ERRORS},
    summary="Edit an action's sustainability profile (the score is recomputed)",
    description=_VERSIONED
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
    return _action(action)


@router.get("/planning/risks/{pk}", response=RiskOut)
def get_risk(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    risk = selectors.risk_get(request.user, pk)
    response["ETag"] = etag_for(risk)
    return _risk(risk)


@router.patch(
    "/planning/risks/{pk}",
    response={200: RiskOut, **_WRITE_ERRORS},
    summary="Edit a risk: likelihood, impact, owner, mitigation, review date",
    description=_VERSIONED
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
    return _risk(risk)


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
    return Status(201, _commitment(request, commitment))


@router.get("/planning/commitments", response=list[CommitmentOut], openapi_extra=PAGE_HEADERS)
def list_commitments(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    # The plan: the next steps ask who speaks for the beneficiary (no query per row).
    commitments = selectors.commitments_for(request.user).select_related("need__plan")
    return [_commitment(request, c) for c in paginate(request, response, page, commitments)]


@router.get("/planning/my-commitments", response=list[CommitmentOut], openapi_extra=PAGE_HEADERS)
def my_commitments(
    request: HttpRequest, response: HttpResponse, page: Query[PageQuery]
) -> list[dict[str, Any]]:
    """Commitments of the organisations you belong to."""
    user = require_user(request)
    commitments = selectors.my_commitments(user)
    return [_commitment(request, c) for c in paginate(request, response, page, commitments)]


@router.get("/planning/commitments/{pk}", response=CommitmentOut)
def get_commitment(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _commitment(request, selectors.commitment_get(request.user, pk))


@router.post("/planning/commitments/{pk}/transition", response=CommitmentOut)
def transition(request: HttpRequest, pk: int, payload: TransitionIn) -> dict[str, Any]:
    user = require_user(request)
    commitment = selectors.commitment_get(user, pk)
    services.commitment_transition(
        actor=user, commitment=commitment, to=payload.to, note=payload.note
    )
    return _commitment(request, commitment)


@router.get("/planning/regional/{pk}", response=RegionalOut)
def regional(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = selectors.plan_get(request.user, pk)
    if not plan.is_regional:
        raise ServiceError(_("Not found."), code="not_found")
    view = selectors.regional_overview(request.user, plan)
    return {
        "plan": _plan(plan),
        "total": _group(view.rolled.region),
        "by_area": [_group(g) for g in view.rolled.by_area.values()],
        "by_country": [_group(g) for g in view.rolled.by_country.values()],
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
