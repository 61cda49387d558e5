"""Planning API: /api/v1/planning/... under the same access rules as the pages.

``router`` (in ``base``) carries every route; the route modules add theirs when imported
below, in this order (it is the order of the published schema, and /plans/import comes
before /plans/{pk}): ``plans``, ``records`` (needs, actions, risks), ``commitments``,
``region``. Bodies are in ``schemas``, records as answered in ``serialise``.
"""

from __future__ import annotations

from reef.planning.api.base import router
from reef.planning.api.schemas import (
    ActionIn,
    ActionOut,
    CommitmentOut,
    GroupOut,
    NeedFoundOut,
    NeedIn,
    NeedOut,
    NeedPatchIn,
    NeedQuery,
    OfferIn,
    PlanDetailOut,
    PlanFileIn,
    PlanIn,
    PlanningErrorOut,
    PlanOut,
    ReasonIn,
    RegionalOut,
    ReorderIn,
    RiskIn,
    RiskOut,
    RiskPatchIn,
    SustainabilityPatchIn,
    ThemeOut,
    TransitionIn,
    TwinningLinkIn,
    TwinningLinkOut,
    TwinOut,
)

# The routes are added in the order of these imports (the published schema's order).
# isort: off
from reef.planning.api import plans, records, commitments, region
# isort: on

__all__ = [
    "ActionIn",
    "ActionOut",
    "CommitmentOut",
    "GroupOut",
    "NeedFoundOut",
    "NeedIn",
    "NeedOut",
    "NeedPatchIn",
    "NeedQuery",
    "OfferIn",
    "PlanDetailOut",
    "PlanFileIn",
    "PlanIn",
    "PlanOut",
    "PlanningErrorOut",
    "ReasonIn",
    "RegionalOut",
    "ReorderIn",
    "RiskIn",
    "RiskOut",
    "RiskPatchIn",
    "SustainabilityPatchIn",
    "ThemeOut",
    "TransitionIn",
    "TwinOut",
    "TwinningLinkIn",
    "TwinningLinkOut",
    "commitments",
    "plans",
    "records",
    "region",
    "router",
]
