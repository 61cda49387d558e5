"""A gap of an assessment becomes a need of the country's plan, keeping its link."""

from __future__ import annotations

from typing import Any

import pytest

from reef.assessments import selectors, services
from reef.assessments.models import Status
from reef.assessments.tests.helpers import build
from reef.core.errors import PermissionDenied, ServiceError
from reef.planning.models import Need

pytestmark = pytest.mark.django_db


def _gap(users: dict[str, Any]) -> tuple[Any, Any]:
    assessment = build(users, until=Status.COMPLETE)
    gaps = selectors.assessment_result(assessment).gaps
    if not gaps:
        pytest.skip("the built assessment has no gap")
    return assessment, gaps[0]


def test_manager_turns_a_gap_into_a_need(users: dict[str, Any], clients: dict[str, Any]) -> None:
    assessment, gap = _gap(users)
    response = clients["focal_point"].post(f"/assessments/{assessment.pk}/gaps/{gap.key}/need/")
    assert response.status_code == 302
    need = Need.objects.get(aspect_key=gap.key)
    assert response["Location"] == f"/planning/needs/{need.pk}/"
    assert need.assessment_ref == assessment.pk
    assert list(need.missing_indicators) == list(gap.missing)
    assert need.plan.owner_country == assessment.country


def test_only_the_country_manager_may(users: dict[str, Any]) -> None:
    assessment, gap = _gap(users)
    for who in ("coordinator", "expert", "outsider"):
        with pytest.raises(PermissionDenied):
            services.gap_propose_need(actor=users[who], assessment=assessment, aspect=gap.key)
    assert not Need.objects.filter(aspect_key=gap.key).exists()


def test_unknown_gap_is_a_clear_error(users: dict[str, Any]) -> None:
    assessment, _ = _gap(users)
    with pytest.raises(ServiceError, match="not a gap"):
        services.gap_propose_need(actor=users["focal_point"], assessment=assessment, aspect="nope")
    assert not Need.objects.exists()


def test_need_from_a_gap_keeps_the_assessments_label(users: dict[str, Any]) -> None:
    """gap -> need: the need is never labelled wider than the assessment it comes from."""
    from reef.assessments.models import Assessment
    from reef.core.tlp import TLP

    assessment, gap = _gap(users)
    Assessment.objects.filter(pk=assessment.pk).update(tlp=TLP.AMBER_STRICT)
    assessment.refresh_from_db()
    need = services.gap_propose_need(
        actor=users["focal_point"], assessment=assessment, aspect=gap.key
    )
    assert need.tlp == TLP.AMBER_STRICT


def test_no_need_from_gaps_while_rating_is_open(users: dict[str, Any]) -> None:
    assessment = build(users, until=Status.RATING)
    with pytest.raises(ServiceError, match="once rating has closed"):
        services.gap_propose_need(actor=users["focal_point"], assessment=assessment, aspect="P.1.a")
    assert not Need.objects.exists()
