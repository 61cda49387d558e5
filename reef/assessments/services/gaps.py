"""From an assessment's gap to a need of the country's plan."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from reef.assessments import rules, selectors
from reef.assessments.models import Assessment
from reef.assessments.scoring import Gap
from reef.assessments.services.common import _authorised
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.core.tlp import stricter


def _gap(assessment: Assessment, aspect: str) -> Gap:
    """The assessment's gap on ``aspect``; refused before rating closes or if it is none."""
    if not assessment.results_open:
        # The result is computed from every rating: not before rating closes.
        raise ServiceError(
            _("Gaps are known once rating has closed."), code="invalid_state", field="aspect"
        )
    result = selectors.assessment_result(assessment)
    gap = next((g for g in result.gaps if g.key == aspect), None)
    if gap is None:
        raise ServiceError(
            _("%(aspect)s is not a gap of this assessment.") % {"aspect": aspect}, field="aspect"
        )
    return gap


@transaction.atomic
def gap_propose_need(*, actor: Actor, assessment: Assessment, aspect: str) -> Any:
    """Turn one of the assessment's gaps into a need of the country's plan.

    Only the country's managers (who own the plan) may; the need keeps the link to the
    framework's factor and the indicators still missing.
    """
    from reef.planning.models import DEFAULT_TLP as PLAN_TLP
    from reef.planning.models import Plan
    from reef.planning.services import need_create_from_gap

    user = _authorised(
        rules.may_propose_need,
        actor,
        assessment,
        _("Only the country's managers may add needs to its plan."),
    )
    gap = _gap(assessment, aspect)
    indicator = assessment.framework.indicators.filter(aspect_key=aspect).first()
    factor = indicator.factor_key if indicator else aspect
    # The need is derived from the assessment: never a wider label than it (nor than the
    # plan it joins, the country's latest national plan, as need_create_from_gap picks it).
    plan = (
        Plan.objects.filter(kind=Plan.Kind.NATIONAL, country=assessment.country)
        .order_by("-cycle", "-created_at")
        .first()
    )
    label = stricter(str(assessment.tlp), str(plan.tlp) if plan else str(PLAN_TLP))
    need = need_create_from_gap(
        actor=user,
        country=assessment.country,
        plan=plan,
        tlp=label,
        gap={
            "factor_key": factor,
            "aspect_key": aspect,
            "missing": list(gap.missing),
            "description": (
                _("From assessment %(id)s (%(cycle)s): stage %(stage)s, target %(target)s.")
                % {
                    "id": assessment.pk,
                    "cycle": assessment.cycle,
                    "stage": gap.stage,
                    "target": gap.target,
                }
            ),
        },
        framework=assessment.framework.slug,
        framework_record=assessment.framework,
        assessment_id=assessment.pk,
    )
    audit_append(
        action="gap_propose_need",
        actor=actor,
        obj=assessment,
        detail={"aspect": aspect, "need": need.pk},
    )
    return need
