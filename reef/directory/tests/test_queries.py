"""Query-count pins: the directory's pages answer in a fixed number of queries whether the
region holds two countries or five (reef.core.tests.scale). Timed at regional scale by
bench/pages_bench.py."""

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
    "countries anonymous": 3,
    "countries focal point": 10,
    "organisations focal point": 9,
    "country anonymous": 4,
    "country focal point": 12,
}


def test_directory_pages_do_not_grow(clients: dict[str, Client], users: dict[str, Any]) -> None:
    first, more = split_countries()
    grow_region(first, size=1, tag="a")
    pages = {
        "countries anonymous": (clients["anonymous"], "/directory/countries/"),
        "countries focal point": (clients["focal_point"], "/directory/countries/"),
        "organisations focal point": (clients["focal_point"], "/directory/organisations/"),
        "country anonymous": (clients["anonymous"], "/directory/countries/GD/"),
        "country focal point": (clients["focal_point"], "/directory/countries/GD/"),
    }
    assert_counts_stable(pages, lambda: grow_region(more, size=3, tag="b"), PINNED)
