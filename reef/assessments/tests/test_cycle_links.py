"""The assessment page leads to the next step's page, filled in (found by the whole-cycle
browser test, issue 14): an accepted assessment's coordinator forms the team from the
expert network, a complete assessment's country publishes its report to the record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from reef.assessments.models import Status
from reef.assessments.tests.helpers import build
from reef.experts.models import MissionRequest
from reef.records.models import Publication

pytestmark = pytest.mark.django_db

MISSION_LINK = "Form the team from the expert network"
REPORT_LINK = "Publish the report to the record"


def _value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert found, name
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def _selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select, name
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return option.group(1) if option else None


def test_the_coordinator_forms_the_team_from_the_network(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    a = build(users, until=Status.ACCEPTED)
    page = f"/assessments/{a.pk}/"
    assert MISSION_LINK in clients["coordinator"].get(page).content.decode()
    assert MISSION_LINK not in clients["focal_point"].get(page).content.decode()
    url = f"/experts/missions/new/?assessment={a.pk}"
    assert clients["anonymous"].get(url).status_code == 302
    assert clients["donor"].get(url).status_code == 403
    html = clients["coordinator"].get(url).content.decode()
    assert _value(html, "assessment_ref") == str(a.pk)
    assert _selected(html, "country") == str(a.country_id)
    # Barbados' focal point may request missions but may not see Grenada's assessment.
    html = clients["outsider"].get(url).content.decode()
    assert _value(html, "assessment_ref") is None
    for bad in ("abc", "-1", "999999"):
        response = clients["coordinator"].get(f"/experts/missions/new/?assessment={bad}")
        assert response.status_code == 200
        assert _value(response.content.decode(), "assessment_ref") is None
    assert not MissionRequest.objects.exists()  # reading the page creates nothing
    # Once rating is open the link is gone.
    rating = build(users, until=Status.RATING, cycle="2027")
    assert (
        MISSION_LINK
        not in clients["coordinator"].get(f"/assessments/{rating.pk}/").content.decode()
    )


def test_the_country_publishes_the_report_of_a_complete_assessment(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    a = build(users, until=Status.COMPLETE)
    page = f"/assessments/{a.pk}/"
    assert REPORT_LINK in clients["focal_point"].get(page).content.decode()
    assert REPORT_LINK not in clients["coordinator"].get(page).content.decode()
    url = f"/records/publications/new/?assessment={a.pk}"
    assert clients["anonymous"].get(url).status_code == 302
    html = clients["focal_point"].get(url).content.decode()
    assert _value(html, "assessment") == str(a.pk)
    assert _selected(html, "kind") == Publication.Kind.ASSESSMENT_REPORT
    assert _selected(html, "owner") == "country:GD"
    # The OAS officer may not see Grenada's AMBER assessment: nothing is filled in.
    html = clients["donor"].get(url).content.decode()
    assert _value(html, "assessment") is None
    response = clients["focal_point"].get("/records/publications/new/?assessment=x")
    assert response.status_code == 200 and _value(response.content.decode(), "assessment") is None
    assert not Publication.objects.exists()
    # Not before the assessment is complete.
    targets = build(users, until=Status.TARGETS, cycle="2027")
    assert (
        REPORT_LINK
        not in clients["focal_point"].get(f"/assessments/{targets.pk}/").content.decode()
    )
