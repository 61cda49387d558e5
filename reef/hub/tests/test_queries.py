"""Query-count pins: each persona's home and the country hub answer in a fixed number of
queries whether the region holds two countries or five (reef.core.tests.scale). Timed at
regional scale by bench/pages_bench.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reef.core.tests.scale import (
    assert_counts_stable,
    assessor_client,
    expert_persona_profile,
    grow_region,
    split_countries,
)

pytestmark = pytest.mark.django_db

#: Measured with the two-country region (equal with five).
PINNED = {
    "home focal point": 18,
    "home coordinator": 18,
    "home donor": 17,
    "home expert": 17,
    "home assessor": 13,
    "home admin": 12,
    "home anonymous": 9,
    "hub focal point": 19,
    "hub anonymous": 9,
}


def test_homes_and_country_hub_do_not_grow(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    first, more = split_countries()
    expert_persona_profile(users["expert"])
    grow_region(first, size=1, tag="a")
    assessor = assessor_client()
    pages = {
        "home focal point": (clients["focal_point"], "/"),
        "home coordinator": (clients["coordinator"], "/"),
        "home donor": (clients["donor"], "/"),
        "home expert": (clients["expert"], "/"),
        "home assessor": (assessor, "/"),
        "home admin": (clients["admin"], "/"),
        "home anonymous": (clients["anonymous"], "/"),
        "hub focal point": (clients["focal_point"], "/hub/countries/GD/"),
        "hub anonymous": (clients["anonymous"], "/hub/countries/GD/"),
    }
    assert_counts_stable(pages, lambda: grow_region(more, size=3, tag="b"), PINNED)
