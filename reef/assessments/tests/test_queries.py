"""Query-count pins: the assessment pages a home links to answer in a fixed number of queries
whether the region holds two countries or five (reef.core.tests.scale). Timed at regional
scale by bench/pages_bench.py."""

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
    "list focal point": 11,
    "list coordinator": 12,
    "list assessor": 10,
    "detail focal point": 25,
    "detail assessor": 21,
    "results focal point": 22,
    "report focal point": 32,
    "rating form assessor": 20,
}


def test_assessment_pages_do_not_grow(clients: dict[str, Client], users: dict[str, Any]) -> None:
    from reef.assessments.models import Assessment, Status

    first, more = split_countries()
    grow_region(first, size=1, tag="a")
    assessor = assessor_client()
    grenada = Assessment.objects.filter(country__code="GD").order_by("cycle")
    complete = grenada.filter(status=Status.COMPLETE).first()
    rating = grenada.filter(status=Status.RATING).first()
    assert complete is not None and rating is not None
    pages = {
        "list focal point": (clients["focal_point"], "/assessments/"),
        "list coordinator": (clients["coordinator"], "/assessments/"),
        "list assessor": (assessor, "/assessments/"),
        "detail focal point": (clients["focal_point"], f"/assessments/{complete.pk}/"),
        "detail assessor": (assessor, f"/assessments/{rating.pk}/"),
        "results focal point": (clients["focal_point"], f"/assessments/{complete.pk}/results/"),
        "report focal point": (clients["focal_point"], f"/assessments/{complete.pk}/report/"),
        "rating form assessor": (assessor, f"/assessments/{rating.pk}/rate/"),
    }
    assert_counts_stable(pages, lambda: grow_region(more, size=3, tag="b"), PINNED)
