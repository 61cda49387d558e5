"""Query-count pins: the consultation list and a consultation answer in a fixed number of
queries whether the region holds two countries or five (reef.core.tests.scale). Timed at
regional scale by bench/pages_bench.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reef.core.tests.scale import (
    assert_counts_stable,
    grow_region,
    split_countries,
)

pytestmark = pytest.mark.django_db

#: Measured with the two-country region (equal with five). REEF_SHOW_COUNTS=1 lists them.
PINNED = {
    "list focal point": 9,
    "list anonymous": 1,
    "detail focal point": 16,
    "detail anonymous": 5,
}


def test_consultation_pages_do_not_grow(clients: dict[str, Client], users: dict[str, Any]) -> None:
    from reef.consultations.models import Participation

    first, more = split_countries()
    world = grow_region(first, size=1, tag="a")
    public = next(c for c in world.consultations if c.participation == Participation.PUBLIC)
    named = next(c for c in world.consultations if c.participation == Participation.NAMED)
    pages = {
        "list focal point": (clients["focal_point"], "/consultations/"),
        "list anonymous": (clients["anonymous"], "/consultations/"),
        "detail focal point": (clients["coordinator"], f"/consultations/{named.pk}/"),
        "detail anonymous": (clients["anonymous"], f"/consultations/{public.pk}/"),
    }
    assert_counts_stable(pages, lambda: grow_region(more, size=3, tag="b"), PINNED)
