"""Another country's users get 404 on the assessment, its ratings, report and API."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reef.assessments.models import Status
from reef.assessments.tests.helpers import build

pytestmark = pytest.mark.django_db

PAGES = ["", "results/", "report/", "report.pdf", "compare/", "rate/", "consolidation/"]
API = ["", "/ratings", "/results"]


@pytest.mark.parametrize("who", ["outsider", "anonymous", "donor", "public"])
def test_hidden_assessment_is_404_everywhere(
    users: dict[str, Any], clients: dict[str, Any], who: str
) -> None:
    a = build(users, until=Status.COMPLETE)
    client = clients[who]
    for page in PAGES:
        assert client.get(f"/assessments/{a.pk}/{page}").status_code == 404, page
    for post in ("step/accept/", "team/", "targets/", "rate/1/"):
        assert client.post(f"/assessments/{a.pk}/{post}").status_code == 404, post
    for path in API:
        assert client.get(f"/api/v1/assessments/{a.pk}{path}").status_code == 404, path
    listing = client.get("/api/v1/assessments").json()
    assert listing == []
    assert a.title.encode() not in client.get("/assessments/").content


def test_visible_to_country_region_and_team(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.COMPLETE)
    for who in ("focal_point", "coordinator", "expert"):
        client = clients[who]
        assert client.get(f"/assessments/{a.pk}/").status_code == 200
        data = client.get(f"/api/v1/assessments/{a.pk}").json()
        assert data["country"] == "GD" and data["tlp"] == "TLP:AMBER"
        assert client.get(f"/api/v1/assessments/{a.pk}/results").json()["country"] == "GD"


def test_api_rating_submission(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    url = f"/api/v1/assessments/{a.pk}/ratings"
    body = {"indicator": "P.1.a.2.1", "value": "met", "evidence": "Mandate letter"}
    created = clients["expert"].post(url, body, content_type="application/json")
    assert created.status_code == 201 and created.json()["tlp"] == "TLP:AMBER+STRICT"
    assert (
        clients["focal_point"].post(url, body, content_type="application/json").status_code == 403
    )
    assert clients["outsider"].post(url, body, content_type="application/json").status_code == 404
    assert clients["anonymous"].post(url, body, content_type="application/json").status_code == 401
    bad = clients["expert"].post(url, {**body, "value": "maybe"}, content_type="application/json")
    assert bad.status_code == 400 and "maybe" in bad.json()["detail"]


def test_cli_hides_what_the_user_may_not_see(users: dict[str, Any], tmp_path: Path) -> None:
    a = build(users, until=Status.COMPLETE)
    for who in (users["outsider"].email, ""):
        with pytest.raises(CommandError, match="Not found"):
            call_command("assessment", "export", str(a.pk), "--json", "--as", who)
        with pytest.raises(CommandError, match="Not found"):
            call_command(
                "report", str(a.pk), "--format", "html", "-o", str(tmp_path / "r.html"), "--as", who
            )
    out = StringIO()
    call_command(
        "assessment", "export", str(a.pk), "--json", "--as", users["focal_point"].email, stdout=out
    )
    assert '"country": "GD"' in out.getvalue()


def test_list_is_paged_and_keeps_its_country(
    users: dict[str, Any], clients: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reef.assessments.views import workflow

    # Where the list looks it up (the package only re-exports it).
    monkeypatch.setattr(workflow, "ASSESSMENTS_PER_PAGE", 1)
    older = build(users, until=Status.REQUESTED, cycle="2025")
    newer = build(users, until=Status.REQUESTED, cycle="2026")
    client = clients["focal_point"]
    first = client.get("/assessments/", {"country": "gd"})
    assert first.status_code == 200
    assert f"/assessments/{newer.pk}/".encode() in first.content
    assert f"/assessments/{older.pk}/".encode() not in first.content
    assert b"?country=gd&amp;page=2" in first.content
    second = client.get("/assessments/", {"country": "gd", "page": "2"})
    assert f"/assessments/{older.pk}/".encode() in second.content
    assert client.get("/assessments/", {"page": "nope"}).status_code == 200  # the first page
    # Whoever may not see them finds no page of them either.
    hidden = clients["outsider"].get("/assessments/", {"country": "gd", "page": "2"})
    assert hidden.status_code == 200 and newer.title.encode() not in hidden.content
