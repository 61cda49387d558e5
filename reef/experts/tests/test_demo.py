"""The demo expert network loads, is idempotent and shows each capability."""

from __future__ import annotations

from typing import Any

import pytest

from reef.experts import demo, services
from reef.experts.models import (
    ExpertProfile,
    MentorPair,
    MissionRequest,
    ReviewAssignment,
    ReviewRound,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        ExpertProfile.objects.count(),
        MentorPair.objects.count(),
        ReviewRound.objects.count(),
        ReviewAssignment.objects.count(),
        MissionRequest.objects.count(),
    )


def test_demo_loads_once(users: dict[str, Any]) -> None:
    lines: list[str] = []
    demo.load(lines.append)
    first = _counts()
    demo.load(lines.append)
    assert _counts() == first
    assert first[0] >= 28
    assert first[1] == 2
    assert ExpertProfile.objects.get(user=users["expert"]).name.endswith("(illustrative)")
    round_ = ReviewRound.objects.get(title=demo.ROUND_TITLE)
    assert round_.status == "open"
    for proposal in round_.proposals.all():
        assert proposal.assignments.count() == round_.reviewers_per_proposal
        for a in proposal.assignments.select_related("reviewer"):
            assert a.reviewer is not None
            assert services.review_conflicts(a.reviewer, proposal) == []
    mission = MissionRequest.objects.get(title=demo.MISSION_TITLE)
    assert mission.country.code == "GD" and mission.status == "proposed"
    assert services.mission_coverage(mission) == []
    for member in mission.team.select_related("profile"):
        assert services.mission_problems(member.profile, mission) == []
        assert member.reason
    assert mission.team.filter(seat="nascent").exists()
