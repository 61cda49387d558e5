"""Consultations, a user's participant record and the stored analysis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reef.consultations.models import Consultation, Participant, Vote
from reef.core.access import LabelledQuerySet
from reef.core.roles import Action
from reef.core.selectors import get_for_user


def consultations_for(user: Any) -> LabelledQuerySet:
    """Consultations to list, without their last analysis (`consultation_get` has it): with
    thousands of participants it is megabytes of JSON each, decoded for every row."""
    return (
        Consultation.objects.for_user(user)
        .select_related("owner_organisation", "owner_country")
        .defer("analysis")
    )


def consultation_get(user: Any, pk: int, action: str = Action.VIEW) -> Consultation:
    obj: Consultation = get_for_user(
        Consultation.objects.select_related("owner_organisation", "owner_country"),
        user,
        action=action,
        pk=pk,
    )
    return obj


def participant_for(user: Any, consultation: Consultation) -> Participant | None:
    if not getattr(user, "is_authenticated", False):
        return None
    found: Participant | None = (
        Participant.objects.for_user(user)
        .filter(consultation=consultation, user=user)
        .select_related("country")
        .first()
    )
    return found


@dataclass(frozen=True)
class StoredAnalysis:
    """The latest analysis as stored by the task worker, and whether a newer one is due."""

    analysis: dict[str, Any]
    analysed_at: datetime | None
    # Votes or moderation arrived after it (or none was made yet): an update is on its way,
    # queued by the write that made it stale (services.analysis_enqueue).
    stale: bool


def consultation_analysis(user: Any, consultation: Consultation) -> StoredAnalysis:
    """What a report shows. A read: it neither computes, nor queues, nor writes anything."""
    analysis = dict(consultation.analysis or {})
    stale = consultation.analysis_stale
    if stale and not analysis:  # a new consultation is stale until it has something to analyse
        stale = Vote.objects.for_user(user).filter(consultation=consultation).exists()
    return StoredAnalysis(analysis=analysis, analysed_at=consultation.analysed_at, stale=stale)
