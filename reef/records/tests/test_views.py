from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.records import services
from reef.records.models import EventFile, Publication
from reef.records.tests.conftest import PDF, make_event, make_publication, upload

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.django_db
def test_hidden_event_is_404_to_those_without_access(clients: dict[str, Client]) -> None:
    make_event(slug="strict", tlp=TLP.AMBER_STRICT)
    assert clients["focal_point"].get("/records/events/strict/").status_code == 200
    for who in ("anonymous", "public", "outsider", "coordinator", "donor", "expert"):
        assert clients[who].get("/records/events/strict/").status_code == 404, who
        assert clients[who].get("/api/v1/records/events/strict").status_code == 404, who


@pytest.mark.django_db
def test_green_published_event_is_for_the_community(clients: dict[str, Client]) -> None:
    make_event(slug="green", tlp=TLP.GREEN)
    for who in ("anonymous", "public"):
        assert clients[who].get("/records/events/green/").status_code == 404
    for who in ("donor", "outsider", "focal_point"):
        page = clients[who].get("/records/events/green/")
        assert page.status_code == 200 and b"TLP:GREEN" in page.content


@pytest.mark.django_db
def test_draft_is_seen_by_owner_editors_only(clients: dict[str, Client]) -> None:
    make_publication(slug="d", publish=False)
    assert clients["focal_point"].get("/records/publications/d/").status_code == 200
    for who in ("anonymous", "public", "coordinator", "outsider"):
        assert clients[who].get("/records/publications/d/").status_code == 404


@pytest.mark.django_db
def test_file_download_is_a_safe_attachment(clients: dict[str, Client]) -> None:
    event = make_event(slug="ev")
    item = services.event_file_add(
        actor=DEMO, event=event, upload=upload('Evil"; name.pdf', PDF), kind="document"
    )
    response = clients["anonymous"].get(f"/records/events/ev/files/{item.uid}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and '"; ' not in disposition[12:]
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    # Another event's slug with this file's id: 404.
    make_event(slug="other")
    assert clients["anonymous"].get(f"/records/events/other/files/{item.uid}/").status_code == 404


@pytest.mark.django_db
def test_upload_view(clients: dict[str, Client]) -> None:
    event = make_event(slug="ev")
    url = "/records/events/ev/upload/"
    assert clients["anonymous"].get(url).status_code == 403
    assert clients["outsider"].get(url).status_code == 403
    assert clients["focal_point"].get(url).status_code == 200
    bad = clients["focal_point"].post(
        url, {"kind": "photo", "title": "x", "file": upload("x.svg", SVG, "image/svg+xml")}
    )
    assert bad.status_code == 200 and "Only PDF" in bad.content.decode()
    assert not EventFile.objects.exists()
    denied = clients["outsider"].post(url, {"kind": "document", "file": upload("x.pdf", PDF)})
    assert denied.status_code == 403
    good = clients["focal_point"].post(
        url, {"kind": "document", "title": "Notes", "file": upload("x.pdf", PDF)}
    )
    assert good.status_code == 302
    assert event.files.get().title == "Notes"


@pytest.mark.django_db
def test_publication_workflow_through_pages(clients: dict[str, Client]) -> None:
    pub = make_publication(slug="ar", kind="assessment_report", publish=False)
    url = "/records/publications/ar/workflow/"
    assert clients["outsider"].post(url, {"action": "submit"}).status_code == 404
    assert clients["focal_point"].post(url, {"action": "submit"}).status_code == 302
    page = clients["focal_point"].get("/records/publications/ar/").content.decode()
    assert "Release the report" in page
    clients["focal_point"].post(url, {"action": "publish"})  # refused: not released
    assert Publication.objects.get(pk=pub.pk).status == "review"
    clients["focal_point"].post(url, {"action": "release"})
    clients["focal_point"].post(url, {"action": "publish"})
    assert Publication.objects.get(pk=pub.pk).status == "published"
    assert clients["anonymous"].get("/records/publications/ar/").status_code == 200


@pytest.mark.django_db
def test_spanish_event_page(clients: dict[str, Client]) -> None:
    event = make_event(slug="ev", title="Stakeholders meeting")
    services.event_set_translation(
        actor=DEMO, event=event, language="es", title="Reunión de partes", report="Informe"
    )
    client = clients["anonymous"]
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/records/events/ev/"})
    assert response.status_code == 302
    page = client.get("/records/events/ev/").content.decode()
    assert "Reunión de partes" in page and "Informe" in page
    assert 'lang="es"' in page
    english = clients["public"].get("/records/events/ev/").content.decode()
    assert "Stakeholders meeting" in english


@pytest.mark.django_db
def test_search_page_finds_a_publication(clients: dict[str, Client]) -> None:
    make_publication(slug="hygiene", title="Cyber hygiene for small businesses")
    page = clients["anonymous"].get("/records/search/?q=hygiene").content.decode()
    assert "/records/publications/hygiene/" in page and "<mark>" in page
    partial = clients["anonymous"].get("/records/search/?q=hygiene", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"hygiene" in partial.content


@pytest.mark.django_db
def test_api_reads_follow_access(clients: dict[str, Client]) -> None:
    make_event(slug="pub-ev")
    make_event(slug="strict-ev", tlp=TLP.AMBER_STRICT)
    anon = {e["slug"] for e in clients["anonymous"].get("/api/v1/records/events").json()}
    focal = {e["slug"] for e in clients["focal_point"].get("/api/v1/records/events").json()}
    assert anon == {"pub-ev"} and focal == {"pub-ev", "strict-ev"}


@pytest.mark.django_db
def test_api_writes(clients: dict[str, Client], users: dict[str, Any]) -> None:
    body = {"title": "API report", "owner_country": "GD", "tlp": "TLP:CLEAR", "countries": ["GD"]}
    post = lambda who, url, data=None: clients[who].post(  # noqa: E731
        url, json.dumps(data or {}), content_type="application/json"
    )
    assert post("anonymous", "/api/v1/records/publications", body).status_code == 401
    assert post("outsider", "/api/v1/records/publications", body).status_code == 403
    created = post("focal_point", "/api/v1/records/publications", body)
    assert created.status_code == 201
    slug = created.json()["slug"]
    assert post("outsider", f"/api/v1/records/publications/{slug}/submit").status_code == 404
    assert (
        post("focal_point", f"/api/v1/records/publications/{slug}/submit").json()["status"]
        == "review"
    )
    assert post("focal_point", f"/api/v1/records/publications/{slug}/release").status_code == 400
    assert post("focal_point", f"/api/v1/records/publications/{slug}/nope").status_code == 404
    assert (
        post("focal_point", f"/api/v1/records/publications/{slug}/publish").json()["status"]
        == "published"
    )
    bad = post("focal_point", "/api/v1/records/publications", {**body, "countries": ["ZZ"]})
    assert bad.status_code == 400
    event = post(
        "focal_point",
        "/api/v1/records/events",
        {
            "title": "API event",
            "start_date": "2026-07-01",
            "end_date": "2026-07-02",
            "owner_country": "GD",
        },
    )
    assert event.status_code == 201
    slug = event.json()["slug"]
    assert post("coordinator", f"/api/v1/records/events/{slug}/publish").status_code == 404
    assert (
        post("focal_point", f"/api/v1/records/events/{slug}/publish").json()["status"]
        == "published"
    )


@pytest.mark.django_db
def test_api_event_details(clients: dict[str, Client]) -> None:
    make_event(slug="ev", publish=False)

    def post(who: str, url: str, data: dict[str, Any]) -> Any:
        return clients[who].post(url, json.dumps(data), content_type="application/json")

    base = "/api/v1/records/events/ev"
    person = {"name": "P", "sector": "academia", "consent_public": True}
    assert post("outsider", f"{base}/participants", person).status_code == 404
    created = post("focal_point", f"{base}/participants", person)
    assert created.status_code == 201
    pid = created.json()["id"]
    session = {"title": "Panel", "speakers": [pid]}
    assert post("focal_point", f"{base}/sessions", session).status_code == 201
    assert (
        post("focal_point", f"{base}/sessions", {"title": "X", "speakers": [999999]}).status_code
        == 400
    )
    outcome = {"text": "Agreed", "links": [{"kind": "need", "id": 3, "title": "Training"}]}
    assert post("focal_point", f"{base}/outcomes", outcome).status_code == 201
    bad = {"text": "Agreed", "links": [{"kind": "spaceship", "id": 3, "title": "x"}]}
    assert post("focal_point", f"{base}/outcomes", bad).status_code == 400
    translated = post("focal_point", f"{base}/translations", {"language": "es", "title": "Reunión"})
    assert translated.json()["translations"] == {"es": {"title": "Reunión"}}


@pytest.mark.django_db
def test_translate_view(clients: dict[str, Client]) -> None:
    event = make_event(slug="ev")
    url = "/records/events/ev/translate/"
    assert clients["public"].get(url).status_code == 403
    assert clients["focal_point"].get(url).status_code == 200
    data = {"language": "fr", "title": "Réunion", "summary": "", "report": "Rapport"}
    assert clients["outsider"].post(url, data).status_code == 403
    assert clients["focal_point"].post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.translations == {"fr": {"title": "Réunion", "report": "Rapport"}}
    assert clients["focal_point"].post(url, {**data, "language": "en"}).status_code == 200


@pytest.mark.django_db
def test_api_uploads(clients: dict[str, Client]) -> None:
    make_event(slug="ev")
    make_publication(slug="p", publish=False)
    url = "/api/v1/records/events/ev/files"
    assert (
        clients["anonymous"]
        .post(url, {"kind": "document", "file": upload("a.pdf", PDF)})
        .status_code
        == 401
    )
    assert (
        clients["outsider"]
        .post(url, {"kind": "document", "file": upload("a.pdf", PDF)})
        .status_code
        == 403
    )
    bad = clients["focal_point"].post(url, {"kind": "photo", "file": upload("a.svg", SVG)})
    assert bad.status_code == 400 and "Only PDF" in bad.json()["detail"]
    assert (
        clients["focal_point"]
        .post(url, {"kind": "document", "file": upload("a.pdf", PDF)})
        .status_code
        == 201
    )
    pub_url = "/api/v1/records/publications/p/file"
    assert clients["outsider"].post(pub_url, {"file": upload("a.pdf", PDF)}).status_code == 404
    attached = clients["focal_point"].post(pub_url, {"file": upload("a.pdf", PDF)})
    assert attached.status_code == 200


@pytest.mark.django_db
def test_lists_paginate(clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch) -> None:
    from reef.records.views import common  # where the lists look it up

    monkeypatch.setattr(common, "PAGE_SIZE", 1)
    make_event(slug="e1")
    make_event(slug="e2")
    make_publication(slug="p1")
    make_publication(slug="p2")
    page = clients["anonymous"].get("/records/events/?page=2").content.decode()
    assert "Page 2 of 2" in page and 'rel="prev"' in page
    page = clients["anonymous"].get("/records/publications/?kind=report").content.decode()
    assert "Page 1 of 2" in page and "kind=report" in page


@pytest.mark.django_db
def test_missing_stored_file_is_404(clients: dict[str, Client]) -> None:
    event = make_event(slug="ev")
    item = services.event_file_add(
        actor=DEMO, event=event, upload=upload("a.pdf", PDF), kind="document"
    )
    item.file.delete(save=False)
    assert clients["anonymous"].get(f"/records/events/ev/files/{item.uid}/").status_code == 404


@pytest.mark.django_db
def test_event_list_filters(clients: dict[str, Client]) -> None:
    import datetime as dt

    make_event(slug="old", title="Old meeting", start=dt.date(2016, 3, 16))
    make_event(slug="new", title="New meeting")
    upcoming = clients["anonymous"].get("/records/events/?when=upcoming").content.decode()
    past = clients["anonymous"].get("/records/events/?when=past").content.decode()
    assert "New meeting" in upcoming and "Old meeting" not in upcoming
    assert "Old meeting" in past and "New meeting" not in past
