from __future__ import annotations

import pytest

from reef.assessments import demo as assessments_demo
from reef.assessments.models import Assessment, Rating, Status
from reef.assessments.selectors import assessment_result
from reef.frameworks import demo as frameworks_demo


@pytest.mark.django_db
def test_demo_loads_the_five_countries_once(world: None) -> None:
    lines: list[str] = []
    frameworks_demo.load(lines.append)
    assessments_demo.load(lines.append)
    counts = (Assessment.objects.count(), Rating.objects.count())
    assert {a.country.code for a in Assessment.objects.all()} == {"TT", "DM", "GD", "AG", "BB"}
    assert all("(illustrative)" in a.title for a in Assessment.objects.all())
    complete = Assessment.objects.filter(status=Status.COMPLETE)
    assert complete.count() == 5
    for a in complete:
        result = assessment_result(a)
        assert not result.disputed and result.gaps
        assert a.decisions.exists() and a.team.filter(email="coordinator@demo.reef").exists()
    grenada = Assessment.objects.get(country__code="GD", cycle="2024")
    assert grenada.previous is not None and grenada.previous.cycle == "2019"
    frameworks_demo.load(lines.append)
    assessments_demo.load(lines.append)
    assert (Assessment.objects.count(), Rating.objects.count()) == counts
