"""Targets per aspect (stage) or pillar (score), and the country's agreement to them."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from reef.assessments import rules, scoring
from reef.assessments.models import DEFAULT_ASSESSMENT_TLP, Assessment, Status, Target
from reef.assessments.services.common import _authorised, _check_status, _label, _set_status
from reef.core.audit import audit_append
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.frameworks import selectors as framework_selectors


def _scoring_problem(exc: scoring.ScoringError) -> str:
    """The scoring engine's refusal, translated when it carries a template."""
    return _(exc.template) % exc.params if exc.params else str(exc)


def _check_targets(assessment: Assessment, targets: Mapping[str, float]) -> dict[str, float]:
    fw = framework_selectors.parsed(assessment.framework)
    clean: dict[str, float] = {}
    for key, value in targets.items():
        if fw.kind == "staged" and isinstance(value, float) and value.is_integer():
            value = int(value)
        clean[key] = value
    try:
        scoring.score(fw, [], {}, clean)
    except scoring.ScoringError as exc:
        raise ServiceError(
            _("Target: %(problem)s.") % {"problem": _scoring_problem(exc)}, field="targets"
        ) from None
    return clean


@transaction.atomic
def target_set(
    *, actor: Actor, assessment: Assessment, targets: Mapping[str, float]
) -> list[Target]:
    """Targets per aspect (stage) or pillar (score), agreed with the country."""
    user = _authorised(
        rules.may_set_targets,
        actor,
        assessment,
        _("Only the team lead or the country's focal point may set targets."),
    )
    _check_status(assessment, [Status.TARGETS], "set_targets")
    clean = _check_targets(assessment, targets)
    saved = []
    for key, value in clean.items():
        target, _created = Target.objects.update_or_create(
            assessment=assessment,
            key=key,
            defaults={
                "value": float(value),
                "set_by": user,
                "tlp": _label(assessment, DEFAULT_ASSESSMENT_TLP),
                "owner_country": assessment.country,
            },
        )
        saved.append(target)
    audit_append(action="target_set", actor=actor, obj=assessment, detail={"targets": clean})
    return saved


@transaction.atomic
def assessment_agree_targets(*, actor: Actor, assessment: Assessment) -> Assessment:
    """The country's focal point agrees the targets; the draft report is ready for review."""
    user = _authorised(
        rules.may_agree_targets,
        actor,
        assessment,
        _("Only the country's focal point may agree the targets."),
    )
    _check_status(assessment, [Status.TARGETS], "agree")
    if not Target.objects.filter(assessment=assessment).exists():
        raise ServiceError(_("Set at least one target before agreeing them."))
    assessment.targets_agreed_by = user
    _set_status(assessment, Status.COMPLETE, ["targets_agreed_by"])
    audit_append(action="assessment_agree_targets", actor=actor, obj=assessment)
    return assessment
