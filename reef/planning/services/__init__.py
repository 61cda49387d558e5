"""Every write of planning: keyword-only, typed, transactional, validated, audited.

One module per record: ``areas``, ``plans``, ``needs`` (and ``gaps``: needs written from
an assessment's gap), ``priorities``, ``actions`` (and milestones), ``commitments``,
``risks``, ``twinning``; ``common`` holds the checks they share. Import from here
(``from reef.planning import services``): every service is re-exported.
"""

from __future__ import annotations

from reef.planning.services.actions import (
    action_assessment,
    action_create,
    action_report_progress,
    action_set_sustainability,
    milestone_complete,
    milestone_create,
)
from reef.planning.services.areas import area_create, area_ensure_defaults
from reef.planning.services.commitments import (
    TRANSITION_RULES,
    commitment_next_steps,
    commitment_offer,
    commitment_transition,
)
from reef.planning.services.common import KEEP, KeepType, _text
from reef.planning.services.gaps import gap_texts, need_create_from_gap
from reef.planning.services.needs import need_create, need_publish, need_rate, need_update
from reef.planning.services.plans import plan_create, plan_set_weights
from reef.planning.services.priorities import (
    need_move,
    plan_confirm_priorities,
    plan_prioritise,
    plan_reorder,
)
from reef.planning.services.risks import risk_create, risk_update
from reef.planning.services.twinning import twinning_link

__all__ = [
    "KEEP",
    "TRANSITION_RULES",
    "KeepType",
    "_text",
    "action_assessment",
    "action_create",
    "action_report_progress",
    "action_set_sustainability",
    "area_create",
    "area_ensure_defaults",
    "commitment_next_steps",
    "commitment_offer",
    "commitment_transition",
    "gap_texts",
    "milestone_complete",
    "milestone_create",
    "need_create",
    "need_create_from_gap",
    "need_move",
    "need_publish",
    "need_rate",
    "need_update",
    "plan_confirm_priorities",
    "plan_create",
    "plan_prioritise",
    "plan_reorder",
    "plan_set_weights",
    "risk_create",
    "risk_update",
    "twinning_link",
]
