"""Editors create events and publications from the pages; they start as private drafts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reef.records.models import Event, Publication

pytestmark = pytest.mark.django_db

EVENT = {
    "owner": "country:GD",
    "tlp": "TLP:CLEAR",
    "title": "National cyber drill 2027",
    "kind": "workshop",
    "start_date": "2027-03-01",
    "end_date": "2027-03-02",
    "country": "GD",
    "venue": "St. George's",
    "summary": "A tabletop exercise.",
}


def test_editor_creates_an_event_as_a_draft(clients: dict[str, Client]) -> None:
    response = clients["focal_point"].post("/records/events/new/", EVENT)
    assert response.status_code == 302
    event = Event.objects.get(title="National cyber drill 2027")
    assert event.owner_country is not None and event.owner_country.code == "GD"
    assert response["Location"] == event.get_absolute_url()
    # A draft is not public, even when labelled TLP:CLEAR.
    assert clients["anonymous"].get(event.get_absolute_url()).status_code == 404
    assert b"National cyber drill" not in clients["anonymous"].get("/records/events/").content


def test_no_event_for_an_owner_one_does_not_edit(clients: dict[str, Client]) -> None:
    response = clients["outsider"].post("/records/events/new/", EVENT)
    assert response.status_code == 200  # Grenada is not among the outsider's owners
    assert not Event.objects.filter(title="National cyber drill 2027").exists()


def test_bad_dates_are_a_clear_error_and_nothing_is_saved(clients: dict[str, Client]) -> None:
    response = clients["focal_point"].post(
        "/records/events/new/", {**EVENT, "end_date": "2027-02-01"}
    )
    assert response.status_code == 200
    assert b"cannot end before it starts" in response.content
    assert not Event.objects.filter(title="National cyber drill 2027").exists()


def test_editor_creates_a_publication(clients: dict[str, Client], users: dict[str, Any]) -> None:
    response = clients["donor"].post(
        "/records/publications/new/",
        {
            "owner": "org:oas",
            "tlp": "TLP:GREEN",
            "title": "Incident response in small states",
            "kind": "brief",
            "authors": "OAS cyber security programme",
            "abstract": "Lessons from the region.",
            "language": "en",
        },
    )
    assert response.status_code == 302
    publication = Publication.objects.get(title="Incident response in small states")
    assert publication.owner_organisation is not None
    assert publication.owner_organisation.slug == "oas"
    assert clients["public"].get(publication.get_absolute_url()).status_code == 404


def test_user_without_role_is_refused(clients: dict[str, Client]) -> None:
    assert clients["public"].get("/records/publications/new/").status_code == 403
    assert clients["anonymous"].get("/records/publications/new/").status_code == 302


def test_an_assessment_report_is_created_for_its_assessment_only(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    from reef.records.tests.conftest import make_assessment

    grenada, barbados = make_assessment("GD"), make_assessment("BB")
    form = {
        "owner": "country:GD",
        "tlp": "TLP:CLEAR",
        "title": "Grenada needs assessment: public summary",
        "kind": "assessment_report",
        "language": "en",
    }
    response = clients["focal_point"].post("/records/publications/new/", form)
    assert response.status_code == 200 and b"names the assessment" in response.content
    # Barbados' AMBER assessment: Grenada may not even see it.
    response = clients["focal_point"].post(
        "/records/publications/new/", {**form, "assessment": str(barbados.pk)}
    )
    assert response.status_code == 404
    assert not Publication.objects.filter(title=form["title"]).exists()
    response = clients["focal_point"].post(
        "/records/publications/new/", {**form, "assessment": str(grenada.pk)}
    )
    assert response.status_code == 302
    assert Publication.objects.get(title=form["title"]).assessment == grenada


@pytest.mark.parametrize(
    "path, label",
    [
        ("/records/events/", b"New event"),
        ("/records/publications/", b"New publication"),
        ("/records/briefings/", b"New briefing"),
    ],
)
def test_new_buttons_only_for_those_the_create_rule_allows(
    clients: dict[str, Client], path: str, label: bytes
) -> None:
    # A signed-in person with no role, and the public, are not offered to create.
    assert label not in clients["anonymous"].get(path).content
    assert label not in clients["public"].get(path).content
    assert label in clients["focal_point"].get(path).content
    assert clients["public"].get(path.replace("/records/", "/records/") + "new/").status_code in {
        403,
        404,
    }
