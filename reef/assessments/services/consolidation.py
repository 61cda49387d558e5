"""Consolidation: the team lead's decisions on disputed indicators, and its end."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reef.assessments import rules, selectors
from reef.assessments.models import DEFAULT_RATING_TLP, Assessment, Decision, RatingValue, Status
from reef.assessments.services.common import (
    _authorised,
    _check_status,
    _indicator_of,
    _label,
    _set_status,
)
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.frameworks.models import Indicator
from reef.notifications.services import notify_handoff


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    assessment: Assessment,
    indicator: Indicator | str,
    value: str,
    note: str,
    dissent: Sequence[str] = (),
) -> Decision:
    """The team lead settles an indicator; the decision overrides the ratings."""
    user = _authorised(
        rules.may_decide,
        actor,
        assessment,
        _("Only the team lead records consolidation decisions."),
    )
    _check_status(assessment, [Status.CONSOLIDATION], "decide")
    ind = _indicator_of(assessment, indicator)
    if value not in RatingValue.values:
        raise ServiceError(
            _("A decision is one of %(known)s, not %(value)s.")
            % {"known": ", ".join(RatingValue.values), "value": repr(value)},
            field="value",
        )
    if not note.strip():
        raise ServiceError(_("Explain the decision in a note."), field="note")
    dissenters = sorted({d.strip() for d in dissent if d.strip()})
    decision: Decision
    decision, _created = Decision.objects.update_or_create(
        assessment=assessment,
        indicator=ind,
        defaults={
            "value": value,
            "note": note.strip(),
            "dissent": dissenters,
            "decided_by": user,
            "tlp": _label(assessment, DEFAULT_RATING_TLP),
            "owner_country": assessment.country,
        },
    )
    audit_append(
        action="decision_record",
        actor=actor,
        obj=decision,
        detail={"indicator": ind.key, "value": value, "dissent": dissenters},
    )
    return decision


@transaction.atomic
def assessment_finish_consolidation(*, actor: Actor, assessment: Assessment) -> Assessment:
    _authorised(
        rules.may_finish_consolidation,
        actor,
        assessment,
        _("Only the team lead may finish consolidation."),
    )
    _check_status(assessment, [Status.CONSOLIDATION], "finish")
    disputed = selectors.assessment_result(assessment).disputed
    if disputed:
        shown = ", ".join(disputed[:5]) + (" ..." if len(disputed) > 5 else "")
        raise ServiceError(
            ngettext(
                "%(n)s indicator is still disputed: %(keys)s. Record a decision first.",
                "%(n)s indicators are still disputed: %(keys)s. Record a decision first.",
                len(disputed),
            )
            % {"n": len(disputed), "keys": shown}
        )
    _set_status(assessment, Status.TARGETS)
    audit_append(action="assessment_finish_consolidation", actor=actor, obj=assessment)
    notify_handoff(
        kind="assessment.consolidated",
        subject_obj=assessment,
        actor=actor,
        url=reverse("assessments:results", args=[assessment.pk]),
    )
    return assessment
