"""The stored opinion analysis and the caller's own group in it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from reef.api.auth import require_user
from reef.consultations import selectors
from reef.consultations.api.routing import router
from reef.consultations.api.schemas import MyGroupOut


@router.get("/consultations/{pk}/report")
def report(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The latest opinion analysis: the `consensus analyze` JSON (result), routing priorities
    and the consensus reality report (real / apparent consensus / divisive, who was not heard),
    with `analysed_at` (null before the first) and `stale`: true when votes or moderation
    arrived since and an updated analysis is on its way (made by the task worker; a read
    never computes one)."""
    consultation = selectors.consultation_get(request.user, pk)
    stored = selectors.consultation_analysis(request.user, consultation)
    return {
        **stored.analysis,
        "analysed_at": stored.analysed_at.isoformat() if stored.analysed_at else None,
        "stale": stored.stale,
    }


@router.get("/consultations/{pk}/me/group", response=MyGroupOut)
def my_group(request: HttpRequest, pk: int) -> MyGroupOut:
    """The caller's opinion group in the stored analysis (as on the report page), where
    their group differs most from the others and where all groups agree."""
    consultation = selectors.consultation_get(request.user, pk)
    user = require_user(request)
    stored = selectors.consultation_analysis(user, consultation)
    summary = selectors.my_group_summary(user, consultation, stored)
    if summary is None:
        return MyGroupOut(status="not_joined")
    return MyGroupOut(**summary)
