"""Query-count pins: the expert network's pages answer in a fixed number of queries whether the
region holds two countries or five (reef.core.tests.scale). Timed at regional scale by
bench/pages_bench.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reef.core.tests.scale import (
    assert_counts_stable,
    expert_persona_profile,
    grow_region,
    split_countries,
)

pytestmark = pytest.mark.django_db

#: Measured with the two-country region (equal with five). REEF_SHOW_COUNTS=1 lists them.
PINNED = {
    "directory anonymous": 3,
    "directory coordinator": 13,
    "mission coordinator": 25,
    "round coordinator": 21,
    "mentoring expert": 9,
    "mission list coordinator": 10,
}


def test_expert_pages_do_not_grow(clients: dict[str, Client], users: dict[str, Any]) -> None:
    from reef.experts.models import MissionRequest, ReviewRound

    first, more = split_countries()
    expert_persona_profile(users["expert"])
    world = grow_region(first, size=1, tag="a")
    mission: MissionRequest = world.experts.missions[0]
    round_: ReviewRound = world.experts.rounds[0]
    pages = {
        "directory anonymous": (clients["anonymous"], "/experts/"),
        "directory coordinator": (clients["coordinator"], "/experts/"),
        "mission coordinator": (clients["coordinator"], f"/experts/missions/{mission.pk}/"),
        "round coordinator": (clients["coordinator"], f"/experts/reviews/{round_.pk}/"),
        "mentoring expert": (clients["expert"], "/experts/mentoring/"),
        "mission list coordinator": (clients["coordinator"], "/experts/missions/"),
    }
    assert_counts_stable(pages, lambda: grow_region(more, size=3, tag="b"), PINNED)
