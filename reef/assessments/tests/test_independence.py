"""Independent ratings (issue 13, item 4): while rating is open each rating is seen by its
author only, in pages, API, exports and the report; the rule and the selector agree."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from reef.assessments import rules, selectors, services
from reef.assessments.models import Rating, Status
from reef.assessments.tests.helpers import build
from reef.core.rules import allowed
from tests_support.world import make_user

pytestmark = pytest.mark.django_db

SECRET = "LEAD-EVIDENCE-ONLY-FOR-THE-LEAD"


def _keys(user: Any, a: Any) -> set[tuple[str, str]]:
    return {(r.indicator.key, r.assessor.email) for r in selectors.ratings_visible(user, a)}


def test_placeholder_rating_does_not_reveal_other_assessors_ratings(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    """The attack: post `unknown` for an indicator, then read the others' values and
    evidence for it (API, page, evidence file, results, export, report)."""
    a = build(users, until=Status.RATING)
    lead, expert = users["coordinator"], users["expert"]
    theirs = services.rating_submit(
        actor=lead,
        assessment=a,
        indicator="P.1.a.2.1",
        value="met",
        evidence_text=SECRET,
        evidence_file=SimpleUploadedFile("note.txt", b"lead's notes\n"),
    )
    placeholder = clients["expert"].post(
        f"/api/v1/assessments/{a.pk}/ratings",
        {"indicator": "P.1.a.2.1", "value": "unknown"},
        content_type="application/json",
    )
    assert placeholder.status_code == 201
    # API: the expert sees their own placeholder only.
    api = clients["expert"].get(f"/api/v1/assessments/{a.pk}/ratings").json()
    assert [(r["indicator"], r["value"]) for r in api] == [("P.1.a.2.1", "unknown")]
    assert SECRET not in str(api)
    # Page: the rating sheet shows no other assessor's value or evidence.
    page = clients["expert"].get(f"/assessments/{a.pk}/rate/?group=P.1")
    assert page.status_code == 200 and SECRET.encode() not in page.content
    # The other assessor's evidence file is not found.
    url = f"/assessments/{a.pk}/evidence/{theirs.pk}/"
    assert clients["expert"].get(url).status_code == 404
    # Results, export and report are closed while rating is open.
    assert clients["expert"].get(f"/api/v1/assessments/{a.pk}/results").status_code == 400
    assert clients["expert"].get(f"/assessments/{a.pk}/report/").status_code == 404
    with pytest.raises(CommandError, match="once rating has closed"):
        call_command("assessment", "export", str(a.pk), "--json", "--as", expert.email)
    # Replacing the placeholder is allowed: its author never saw anyone else's rating.
    services.rating_submit(actor=expert, assessment=a, indicator="P.1.a.2.1", value="partial")
    assert _keys(expert, a) == {("P.1.a.2.1", expert.email)}
    # The author still sees their own, evidence file included.
    assert clients["coordinator"].get(url).status_code == 200


def test_country_managers_do_not_see_live_ratings(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.RATING)
    services.rating_submit(
        actor=users["expert"],
        assessment=a,
        indicator="P.1.a.2.1",
        value="met",
        evidence_text=SECRET,
    )
    focal = clients["focal_point"]
    rating = Rating.objects.get(assessment=a)
    # The country's manager may read the assessment, but no individual rating yet: not in
    # the API, the pages (detail, results, report, rating sheet, evidence) nor the export.
    detail = focal.get(f"/assessments/{a.pk}/")
    assert detail.status_code == 200 and SECRET.encode() not in detail.content
    assert focal.get(f"/api/v1/assessments/{a.pk}/ratings").json() == []
    assert focal.get(f"/api/v1/assessments/{a.pk}/results").status_code == 400
    results = focal.get(f"/assessments/{a.pk}/results/")
    assert results.status_code == 200 and SECRET.encode() not in results.content
    assert focal.get(f"/assessments/{a.pk}/report/").status_code == 404
    assert focal.get(f"/assessments/{a.pk}/rate/").status_code == 403
    assert focal.get(f"/assessments/{a.pk}/evidence/{rating.pk}/").status_code == 404
    with pytest.raises(CommandError, match="once rating has closed"):
        call_command(
            "assessment", "export", str(a.pk), "--json", "--as", users["focal_point"].email
        )
    assert _keys(users["focal_point"], a) == set()
    # Neither does the lead nor the coordinator (the same person here), nor a third assessor.
    assert _keys(users["coordinator"], a) == set()
    third = make_user()
    a.team.add(third)
    assert _keys(third, a) == set()
    # Once rating closes, the country and the team see every rating.
    services.assessment_close_rating(actor=users["coordinator"], assessment=a)
    assert focal.get(f"/api/v1/assessments/{a.pk}/ratings").json()[0]["evidence"] == SECRET
    for who in ("focal_point", "coordinator"):
        assert _keys(users[who], a) == {("P.1.a.2.1", users["expert"].email)}


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
    services.assessment_close_rating(actor=users["coordinator"], assessment=a)
    for who in ("outsider", "donor", "public"):
        assert _keys(users[who], a) == set()


@pytest.mark.parametrize("until", [Status.RATING, Status.CONSOLIDATION])
def test_selector_applies_the_rule(users: dict[str, Any], until: str) -> None:
    """`ratings_visible` is the query form of `rules.may_see_rating` (plus the label)."""
    a = build(users, until=Status.RATING)
    for who in ("coordinator", "expert"):
        services.rating_submit(actor=users[who], assessment=a, indicator="P.1.a.2.1", value="met")
    if until == Status.CONSOLIDATION:
        services.assessment_close_rating(actor=users["coordinator"], assessment=a)
    a.refresh_from_db()
    for name, user in users.items():
        labelled = set(Rating.objects.for_user(user).filter(assessment=a))
        by_rule = {r for r in labelled if allowed(rules.may_see_rating, user, r)}
        assert set(selectors.ratings_visible(user, a)) == by_rule, name
    # The rule itself: authors always; others only once rating has closed.
    rating = Rating.objects.filter(assessment=a, assessor=users["expert"]).get()
    assert allowed(rules.may_see_rating, users["expert"], rating)
    assert allowed(rules.may_see_rating, users["focal_point"], rating) is (
        until == Status.CONSOLIDATION
    )


def test_report_while_rating_is_refused_on_the_console(
    users: dict[str, Any], tmp_path: Any
) -> None:
    a = build(users, until=Status.RATING)
    with pytest.raises(CommandError):
        call_command(
            "report",
            str(a.pk),
            "--format",
            "html",
            "-o",
            str(tmp_path / "r.html"),
            "--as",
            users["focal_point"].email,
            stdout=StringIO(),
        )
