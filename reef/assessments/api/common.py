"""What the assessment routes share: the assessment asked for, records as response bodies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from reef.api.auth import require_user
from reef.assessments import selectors
from reef.assessments.models import Assessment, Rating


def _assessment(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "country": a.country.code,
        "cycle": a.cycle,
        "framework": a.framework.ref,
        "status": a.status,
        "tlp": a.tlp,
        "previous": a.previous_id,
        "lead": str(a.lead) if a.lead else None,
        "team": [str(u) for u in a.team.all()],
    }


def _rating(r: Rating) -> dict[str, Any]:
    return {
        "id": r.pk,
        "version": r.version,
        "indicator": r.indicator.key,
        "assessor": r.assessor_name,
        "value": r.value,
        "evidence": r.evidence_text,
        "evidence_link": r.evidence_link,
        "has_file": bool(r.evidence_file),
        "tlp": r.tlp,
    }


def _assessment_for(request: HttpRequest, assessment_id: int) -> tuple[Any, Assessment]:
    user = require_user(request)
    return user, selectors.assessment_get(user, assessment_id)


def _fresh(user: Any, a: Assessment) -> dict[str, Any]:
    return _assessment(selectors.assessment_get(user, a.pk))
