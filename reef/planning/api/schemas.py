"""The bodies of the planning API: what it answers (`...Out`) and what it takes (`...In`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict


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


VERSIONED = (
    "Send `If-Match` with the ETag from the GET of the record: 428 without it, 412 when "
    "the record changed since (nothing is written). Answers the new ETag. "
)


WRITE_ERRORS: dict[int, Any] = {
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


class NeedQuery(Schema):
    country: str = Field("", description="ISO 3166 alpha-2 code")
    area: str = Field("", description="area key")
    funding: str = Field("", description="unfunded, partly or fully")
    priority: str = Field("", description="only needs among the first N of their plan")
