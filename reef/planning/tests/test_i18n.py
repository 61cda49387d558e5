"""Messages of planning are translatable: pure modules give English templates and params."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from reef.core.errors import ServiceError
from reef.planning import rollup, services
from reef.planning.overlaps import TwinningCandidate
from reef.planning.sustainability import Delivery, SustainabilityProfile, assess


def test_sustainability_reasons_are_their_templates_filled_in() -> None:
    result = assess(
        SustainabilityProfile(
            delivery=Delivery.ONE_OFF,
            is_training=True,
            train_the_trainer=False,
            curriculum_integration=True,
            local_ownership=False,
            post_donor_funding=False,
        )
    )
    assert len(result.explained) == len(result.reasons)
    assert result.reasons == tuple(t % {"points": p} for t, p in result.explained)
    assert "%(points)s" in result.explained[-1][0]


def test_twinning_reasons_are_their_templates_filled_in() -> None:
    candidate = TwinningCandidate(
        a_id="a",
        b_id="b",
        a_organisation_id="1",
        b_organisation_id="2",
        score=0.8,
        similarity=0.5,
        factor_key="f",
        area_key=None,
        scope="region",
        scope_code="CARICOM",
        overlap_start=date(2026, 4, 1),
        overlap_end=date(2026, 6, 30),
    )
    assert candidate.reasons == tuple(t % p for t, p in candidate.explained)
    assert (
        candidate.why
        == "same region: CARICOM; same factor: f; similarity 0.50; overlap 2026-04..2026-06"
    )


@pytest.mark.parametrize(
    ("current", "target", "side"),
    [
        ("withdrawn", "accepted", "beneficiary"),
        ("offered", "delivered", "pledger"),
        ("accepted", "in_progress", "beneficiary"),
        ("offered", "nonsense", "pledger"),
    ],
)
def test_transition_errors_carry_a_sentence_for_users(current: str, target: str, side: str) -> None:
    with pytest.raises(rollup.IllegalTransition) as info:
        rollup.check_transition(current, target, side)
    sentence = info.value.template % info.value.params
    assert sentence == str(info.value)[0].upper() + str(info.value)[1:] + "."


def test_field_names_in_messages_follow_the_language() -> None:
    with translation.override("es"), pytest.raises(ServiceError) as info:
        services._text(" ", "title")
    assert "título" in info.value.message and info.value.field == "title"
    with translation.override("en"), pytest.raises(ServiceError) as info:
        services._text(" ", "risk_owner")
    assert info.value.message == "The risk owner is required."
