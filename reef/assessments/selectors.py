"""Reads of assessments, through the access layer.

Independence: while an assessment is being rated, an assessor on its team sees
another assessor's rating of an indicator only once they have rated that
indicator themselves. Once rating closes (consolidation), the team sees all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from reef.accounts.roles import Action
from reef.assessments import scoring
from reef.assessments.models import (
    RESULTS_OPEN,
    Assessment,
    Decision,
    Rating,
    StakeholderSession,
    Target,
)
from reef.core.access import LabelledQuerySet, scope_for
from reef.core.selectors import get_for_user
from reef.frameworks import selectors as framework_selectors


def assessments_for(user: Any) -> LabelledQuerySet:
    return Assessment.objects.for_user(user).select_related("country", "framework", "lead")


def assessment_get(user: Any, pk: int | str, action: str = Action.VIEW) -> Assessment:
    obj: Assessment = get_for_user(
        Assessment.objects.select_related("country", "framework", "lead", "previous"),
        user,
        action=action,
        pk=pk,
    )
    return obj


def is_team_member(user: Any, assessment: Assessment) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return assessment.team.filter(pk=user.pk).exists()


def is_lead(user: Any, assessment: Assessment) -> bool:
    return bool(getattr(user, "is_authenticated", False) and assessment.lead_id == user.pk)


def is_country_manager(user: Any, assessment: Assessment) -> bool:
    return scope_for(user).can_in_country(assessment.country_id, Action.MANAGE)


def is_coordinator(user: Any, assessment: Assessment) -> bool:
    return scope_for(user).coordinates_country(assessment.country_id)


def ratings_visible(user: Any, assessment: Assessment) -> LabelledQuerySet:
    """The ratings of `assessment` that `user` may see, the independence rule applied."""
    qs = (
        Rating.objects.for_user(user)
        .filter(assessment=assessment)
        .select_related("indicator", "assessor")
    )
    if assessment.status not in RESULTS_OPEN and is_team_member(user, assessment):
        own = Rating.objects.filter(assessment=assessment, assessor=user).values("indicator_id")
        qs = qs.filter(Q(assessor=user) | Q(indicator_id__in=own))
    return qs


def rating_get(user: Any, assessment: Assessment, pk: int | str) -> Rating:
    try:
        rating: Rating = ratings_visible(user, assessment).get(pk=pk)
        return rating
    except (Rating.DoesNotExist, ValueError):
        from django.http import Http404

        raise Http404 from None


def own_ratings(user: Any, assessment: Assessment) -> dict[int, Rating]:
    """indicator id -> the user's own rating."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return {r.indicator_id: r for r in Rating.objects.filter(assessment=assessment, assessor=user)}


def sessions_of(user: Any, assessment: Assessment) -> LabelledQuerySet:
    return StakeholderSession.objects.for_user(user).filter(assessment=assessment)


def decisions_of(user: Any, assessment: Assessment) -> LabelledQuerySet:
    """The consolidation decisions `user` may see (TLP:AMBER+STRICT for the country)."""
    return (
        Decision.objects.for_user(user)
        .filter(assessment=assessment)
        .select_related("indicator", "decided_by")
    )


def targets_of(assessment: Assessment) -> dict[str, float]:
    return {t.key: t.value for t in Target.objects.filter(assessment=assessment)}


def _target_values(assessment: Assessment) -> dict[str, float]:
    targets = targets_of(assessment)
    if assessment.framework.kind == "staged":
        return {k: int(v) for k, v in targets.items()}
    return targets


def assessment_result(assessment: Assessment) -> scoring.Result:
    """The scoring result from every rating (call only after the assessment's access check)."""
    fw = framework_selectors.parsed(assessment.framework)
    ratings = Rating.objects.filter(assessment=assessment).order_by("updated_at", "pk")
    triples = [
        (key, assessor, value)
        for key, assessor, value in ratings.values_list("indicator__key", "assessor_key", "value")
    ]
    decisions = dict(
        Decision.objects.filter(assessment=assessment).values_list("indicator__key", "value")
    )
    return scoring.score(
        fw,
        triples,
        decisions,
        _target_values(assessment),
        country=assessment.country.code,
        cycle=assessment.cycle,
    )


def cycles_of(user: Any, assessment: Assessment) -> LabelledQuerySet:
    """Assessments of the same country with the same framework, oldest first."""
    return (
        assessments_for(user)
        .filter(country=assessment.country, framework__slug=assessment.framework.slug)
        .order_by("created_at", "pk")
    )
