"""An assessor cannot see another assessor's rating of an indicator before rating it."""

from __future__ import annotations

from typing import Any

import pytest

from reef.assessments import selectors, services
from reef.assessments.models import Status
from reef.assessments.tests.helpers import build

pytestmark = pytest.mark.django_db


def _keys(user: Any, a: Any) -> set[tuple[str, str]]:
    return {(r.indicator.key, r.assessor.email) for r in selectors.ratings_visible(user, a)}


def test_others_ratings_are_hidden_until_you_rate(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.RATING)
    lead, expert = users["coordinator"], users["expert"]
    services.rating_submit(
        actor=lead, assessment=a, indicator="P.1.a.2.1", value="met", evidence_text="LEAD-EVIDENCE"
    )
    services.rating_submit(actor=lead, assessment=a, indicator="P.1.a.3.1", value="not_met")
    assert _keys(expert, a) == set()
    api = clients["expert"].get(f"/api/v1/assessments/{a.pk}/ratings").json()
    assert api == []
    page = clients["expert"].get(f"/assessments/{a.pk}/rate/?group=P.1")
    assert b"LEAD-EVIDENCE" not in page.content
    services.rating_submit(actor=expert, assessment=a, indicator="P.1.a.2.1", value="partial")
    assert _keys(expert, a) == {("P.1.a.2.1", lead.email), ("P.1.a.2.1", expert.email)}
    page = clients["expert"].get(f"/assessments/{a.pk}/rate/?group=P.1")
    assert b"LEAD-EVIDENCE" in page.content
    # The lead, who rated both, still sees only the expert's rating of the shared one.
    assert _keys(lead, a) == {
        ("P.1.a.2.1", lead.email),
        ("P.1.a.2.1", expert.email),
        ("P.1.a.3.1", lead.email),
    }
    # The country's focal point is not an assessor: the rule does not apply.
    assert len(_keys(users["focal_point"], a)) == 3
    # Results stay closed while rating is open.
    assert clients["expert"].get(f"/api/v1/assessments/{a.pk}/results").status_code == 400


def test_closing_rating_shows_everything_to_the_team(users: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    services.rating_submit(
        actor=users["coordinator"], assessment=a, indicator="P.1.a.2.1", value="met"
    )
    services.assessment_close_rating(actor=users["coordinator"], assessment=a)
    assert _keys(users["expert"], a) == {("P.1.a.2.1", users["coordinator"].email)}


def test_people_outside_the_country_and_team_see_no_ratings(users: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    services.rating_submit(actor=users["expert"], assessment=a, indicator="P.1.a.2.1", value="met")
    for who in ("outsider", "donor", "public"):
        assert _keys(users[who], a) == set()
