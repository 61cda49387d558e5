"""Planning pages. Thin: reads through selectors, writes through services.

One module per kind of page: ``plans`` (list, plan, new, timeline, export, import),
``priorities``, ``risks``, ``needs``, ``actions`` (and milestones), ``commitments``,
``region`` (regional plans, themes, twinning); ``common`` holds what they share, among
it ``submit`` (a form posted to a service) and ``versioned_edit`` (an edit page).
"""

from __future__ import annotations

from reef.planning.views.actions import (
    action_create,
    action_detail,
    action_progress,
    action_sustainability,
    milestone_create,
    milestone_done,
)
from reef.planning.views.commitments import (
    commitment_detail,
    commitment_transition,
    my_commitments,
)
from reef.planning.views.needs import (
    need_detail,
    need_edit,
    need_list,
    need_new,
    need_offer,
    need_publish,
    need_rate,
)
from reef.planning.views.plans import (
    index,
    plan_detail,
    plan_export,
    plan_import,
    plan_new,
    plan_timeline,
)
from reef.planning.views.priorities import (
    plan_confirm,
    plan_move,
    plan_priorities,
    plan_prioritise,
    plan_weights,
)
from reef.planning.views.region import regional, themes, twinning, twinning_link
from reef.planning.views.risks import plan_risks, risk_create, risk_edit

__all__ = [
    "action_create",
    "action_detail",
    "action_progress",
    "action_sustainability",
    "commitment_detail",
    "commitment_transition",
    "index",
    "milestone_create",
    "milestone_done",
    "my_commitments",
    "need_detail",
    "need_edit",
    "need_list",
    "need_new",
    "need_offer",
    "need_publish",
    "need_rate",
    "plan_confirm",
    "plan_detail",
    "plan_export",
    "plan_import",
    "plan_move",
    "plan_new",
    "plan_priorities",
    "plan_prioritise",
    "plan_risks",
    "plan_timeline",
    "plan_weights",
    "regional",
    "risk_create",
    "risk_edit",
    "themes",
    "twinning",
    "twinning_link",
]
