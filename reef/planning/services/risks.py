"""Risks of a plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from reef.core.audit import audit_append
from reef.core.concurrency import save_versioned
from reef.core.errors import ServiceError
from reef.core.rules import Actor
from reef.planning import rules
from reef.planning.models import Plan, Risk, RiskCategory
from reef.planning.services.common import (
    _EDITORS_ONLY,
    KEEP,
    KeepType,
    _copy_label,
    _copy_shares,
    _rating,
    _require,
    _text,
)


@transaction.atomic
def risk_create(
    *,
    actor: Actor,
    plan: Plan,
    category: str,
    description: str,
    likelihood: int,
    impact: int,
    risk_owner: str = "",
    mitigation: str = "",
    review_on: date | None = None,
) -> Risk:
    _require(rules.may_create_risk, actor, plan, message=str(_EDITORS_ONLY))
    if category not in RiskCategory.values:
        raise ServiceError(
            _("Unknown risk category %(value)s.") % {"value": repr(category)}, field="category"
        )
    risk = Risk(
        plan=plan,
        category=category,
        description=_text(description, "description", limit=5000),
        likelihood=_rating(likelihood, "likelihood"),
        impact=_rating(impact, "impact"),
        risk_owner=_text(risk_owner, "risk_owner", required=False, limit=200),
        mitigation=_text(mitigation, "mitigation", required=False, limit=5000),
        review_on=review_on,
    )
    _copy_label(risk, plan)
    risk.save()
    _copy_shares(risk, plan)
    audit_append(action="risk_create", actor=actor, obj=risk)
    return risk


@transaction.atomic
def risk_update(
    *,
    actor: Actor,
    risk: Risk,
    likelihood: int | None = None,
    impact: int | None = None,
    mitigation: str | None = None,
    review_on: date | KeepType | None = KEEP,
    risk_owner: str | None = None,
    expected_version: int | None = None,
) -> Risk:
    """Re-rate a risk, change its owner, mitigation and review date. A value left None
    keeps the stored one; `review_on` is kept unless given (None clears it).

    Versioned like `need_update` (`expected_version`, `Conflict`); everything is
    validated before anything is changed."""
    _require(rules.may_edit_risk, actor, risk, see=risk.plan, message=str(_EDITORS_ONLY))
    values: dict[str, Any] = {
        "likelihood": _rating(risk.likelihood if likelihood is None else likelihood, "likelihood"),
        "impact": _rating(risk.impact if impact is None else impact, "impact"),
        "mitigation": _text(
            risk.mitigation if mitigation is None else mitigation,
            "mitigation",
            required=False,
            limit=5000,
        ),
        "review_on": risk.review_on if isinstance(review_on, KeepType) else review_on,
    }
    if risk_owner is not None:
        values["risk_owner"] = _text(risk_owner, "risk_owner", required=False, limit=200)
    changed = sorted(k for k, v in values.items() if getattr(risk, k) != v)
    for name, value in values.items():
        setattr(risk, name, value)
    save_versioned(
        risk,
        expected_version=risk.version if expected_version is None else expected_version,
        fields=list(values),
    )
    audit_append(
        action="risk_update",
        actor=actor,
        obj=risk,
        detail={"changed": changed, "score": risk.score, "version": risk.version},
    )
    return risk
