"""Reads of planning, always through the access layer, with roll-ups computed here.

Roll-ups, heatmaps and twinning count only what the user may see: a record the
user may not see does not exist for them, in totals as in lists.

Modules: ``records`` (single records and lists), ``finding`` (the needs list's filters
and funding), ``rollups`` (a plan's and a region's), ``recurring`` (themes), ``twinning``.
Every read is re-exported here.
"""

from __future__ import annotations

from reef.planning.selectors.finding import (
    COUNTING,
    FUNDING_LABELS,
    MAX_PRIORITY,
    NEED_LIST_LIMIT,
    PRIORITY_CHOICES,
    FundingStatus,
    NeedFilter,
    attach_funding,
    need_countries,
    need_filter,
    needs_found,
    needs_matching,
)
from reef.planning.selectors.records import (
    action_get,
    areas,
    commitment_events,
    commitment_get,
    commitments_for,
    milestone_get,
    money,
    my_commitments,
    national_plan_for,
    need_get,
    needs_for,
    plan_actions,
    plan_commitments,
    plan_get,
    plan_needs,
    plan_risks,
    plans_for,
    priority_history,
    risk_get,
)
from reef.planning.selectors.recurring import (
    Themes,
    grouping_country_ids,
    grouping_or_none,
    groupings,
    themes,
)
from reef.planning.selectors.rollups import (
    PlanView,
    RegionalView,
    compute_rollup,
    latest_national_plans,
    plan_overview,
    plan_rates,
    regional_overview,
)
from reef.planning.selectors.twinning import (
    TWINNING_TTL,
    Effort,
    Opportunity,
    effort_get,
    efforts_for,
    twinning_links_for,
    twinning_opportunities,
    twinning_score,
)

__all__ = [
    "COUNTING",
    "FUNDING_LABELS",
    "MAX_PRIORITY",
    "NEED_LIST_LIMIT",
    "PRIORITY_CHOICES",
    "TWINNING_TTL",
    "Effort",
    "FundingStatus",
    "NeedFilter",
    "Opportunity",
    "PlanView",
    "RegionalView",
    "Themes",
    "action_get",
    "areas",
    "attach_funding",
    "commitment_events",
    "commitment_get",
    "commitments_for",
    "compute_rollup",
    "effort_get",
    "efforts_for",
    "grouping_country_ids",
    "grouping_or_none",
    "groupings",
    "latest_national_plans",
    "milestone_get",
    "money",
    "my_commitments",
    "national_plan_for",
    "need_countries",
    "need_filter",
    "need_get",
    "needs_for",
    "needs_found",
    "needs_matching",
    "plan_actions",
    "plan_commitments",
    "plan_get",
    "plan_needs",
    "plan_overview",
    "plan_rates",
    "plan_risks",
    "plans_for",
    "priority_history",
    "regional_overview",
    "risk_get",
    "themes",
    "twinning_links_for",
    "twinning_opportunities",
    "twinning_score",
]
