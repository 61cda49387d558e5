"""Hand-offs found missing by the whole-cycle browser test (issue 14): the team hears that
rating is open, the country that consolidation is finished (it agrees the targets next),
and the state that a commitment was delivered (it verifies next)."""

from __future__ import annotations

from typing import Any

import pytest

from reef.assessments import services as assessments
from reef.assessments.models import Assessment, Status
from reef.assessments.tests.helpers import build
from reef.core.errors import ServiceError
from reef.directory.models import Organisation
from reef.notifications.models import Notification
from reef.planning import services as planning
from reef.planning.models import Commitment, Need


def _of(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient__email"))


def test_the_team_hears_that_rating_is_open(users: dict[str, Any]) -> None:
    coordinator, expert = users["coordinator"], users["expert"]
    a = build(users, until=Status.ACCEPTED)
    # A team without a criminal-justice assessor: rating stays closed, nobody is told.
    assessments.assessment_assign_team(
        actor=coordinator, assessment=a, members=[coordinator, expert], lead=coordinator
    )
    assert a.status == Status.ACCEPTED
    assert _of("assessment.rating_opened") == []
    # The team now meets the CCI rule: rating opens and each member but the actor is told.
    assessments.assessment_assign_team(
        actor=coordinator,
        assessment=a,
        members=[coordinator, expert],
        lead=coordinator,
        roles={expert.pk: "criminal_justice"},
    )
    assert a.status == Status.RATING
    (told,) = _of("assessment.rating_opened")
    assert told.recipient == expert
    assert told.url == f"/assessments/{a.pk}/"
    # A later change of the team while rating is open announces nothing again.
    assessments.assessment_assign_team(
        actor=coordinator,
        assessment=a,
        members=[coordinator, expert],
        lead=expert,
        roles={expert.pk: "criminal_justice"},
    )
    assert len(_of("assessment.rating_opened")) == 1


def test_the_country_hears_that_consolidation_is_finished(users: dict[str, Any]) -> None:
    a = build(users, until=Status.CONSOLIDATION)
    with pytest.raises(ServiceError):  # only the lead finishes: nothing is sent
        assessments.assessment_finish_consolidation(actor=users["focal_point"], assessment=a)
    assert _of("assessment.consolidated") == []
    assessments.assessment_finish_consolidation(actor=users["coordinator"], assessment=a)
    (told,) = _of("assessment.consolidated")
    assert told.recipient == users["focal_point"]
    assert told.url == f"/assessments/{a.pk}/results/"
    assert Assessment.objects.get(pk=a.pk).status == Status.TARGETS


def test_the_state_hears_of_a_delivery(users: dict[str, Any], need: Need) -> None:
    donor, fp = users["donor"], users["focal_point"]
    commitment = planning.commitment_offer(
        actor=donor, need=need, organisation=Organisation.objects.get(slug="oas"), amount="500"
    )
    planning.commitment_transition(actor=fp, commitment=commitment, to="accepted")
    planning.commitment_transition(actor=donor, commitment=commitment, to="in_progress")
    assert _of("planning.commitment_delivered") == []
    planning.commitment_transition(actor=donor, commitment=commitment, to="delivered")
    (told,) = _of("planning.commitment_delivered")
    assert told.recipient == fp
    assert told.url == f"/planning/commitments/{commitment.pk}/"
    assert Commitment.objects.get(pk=commitment.pk).status == Commitment.Status.DELIVERED
