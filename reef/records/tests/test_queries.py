"""Query-count pins: the public record's pages answer in a fixed number of queries whether the
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
    "index anonymous": 8,
    "index focal point": 16,
    "event anonymous": 8,
    "publication focal point": 11,
    "open data anonymous": 1,
}


def test_record_pages_do_not_grow(clients: dict[str, Client], users: dict[str, Any]) -> None:
    from reef.records.models import Event, Publication

    first, more = split_countries()
    grow_region(first, size=1, tag="a")
    event = Event.objects.filter(tlp="TLP:CLEAR", status=Event.Status.PUBLISHED).first()
    report = Publication.objects.filter(kind=Publication.Kind.ASSESSMENT_REPORT).first()
    assert event is not None and report is not None
    pages = {
        "index anonymous": (clients["anonymous"], "/records/"),
        "index focal point": (clients["focal_point"], "/records/"),
        "event anonymous": (clients["anonymous"], f"/records/events/{event.slug}/"),
        "publication focal point": (
            clients["focal_point"],
            f"/records/publications/{report.slug}/",
        ),
        "open data anonymous": (clients["anonymous"], "/records/data/"),
    }
    assert_counts_stable(pages, lambda: grow_region(more, size=3, tag="b"), PINNED)
