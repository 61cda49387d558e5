"""Query-count pins: the notification inboxes answer in a fixed number of queries whether the
region holds two countries or five (reef.core.tests.scale). Timed at regional scale by
bench/pages_bench.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reef.core.tests.scale import (
    assert_counts_stable,
    assessor_client,
    grow_region,
    split_countries,
)

pytestmark = pytest.mark.django_db

#: Measured with the two-country region (equal with five). REEF_SHOW_COUNTS=1 lists them.
PINNED = {
    "inbox focal point": 12,
    "inbox coordinator": 13,
    "inbox assessor": 11,
    "inbox donor": 10,
}


def test_inboxes_do_not_grow(clients: dict[str, Client], users: dict[str, Any]) -> None:
    first, more = split_countries()
    grow_region(first, size=1, tag="a")
    pages = {
        "inbox focal point": (clients["focal_point"], "/notifications/"),
        "inbox coordinator": (clients["coordinator"], "/notifications/"),
        "inbox assessor": (assessor_client(), "/notifications/"),
        "inbox donor": (clients["donor"], "/notifications/"),
    }
    assert_counts_stable(pages, lambda: grow_region(more, size=3, tag="b"), PINNED)
