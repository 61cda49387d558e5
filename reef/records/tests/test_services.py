from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reef.core.errors import Conflict, PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.records import opendata, services
from reef.records.models import Event, EventFile, Publication, Snapshot
from reef.records.tests.conftest import (
    PDF,
    PNG,
    make_assessment,
    make_event,
    make_publication,
    upload,
)

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.mark.django_db
def test_event_create_checks_role_and_input(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    day = dt.date(2026, 6, 1)
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=users["outsider"], title="X", start_date=day, end_date=day, owner_country=gd
        )
    with pytest.raises(ServiceError, match="end before"):
        services.event_create(
            actor=users["focal_point"],
            title="X",
            start_date=day,
            end_date=day - dt.timedelta(days=1),
            owner_country=gd,
        )
    with pytest.raises(ServiceError, match="exactly one owner"):
        services.event_create(actor=users["focal_point"], title="X", start_date=day, end_date=day)
    with pytest.raises(ServiceError, match="TLP"):
        services.event_create(
            actor=users["focal_point"],
            title="X",
            start_date=day,
            end_date=day,
            owner_country=gd,
            tlp="TLP:PINK",
        )
    assert not Event.objects.filter(title="X").exists()
    event = services.event_create(
        actor=users["focal_point"],
        title="Grenada workshop",
        start_date=day,
        end_date=day,
        owner_country=gd,
    )
    assert event.slug == "grenada-workshop" and event.status == Event.Status.DRAFT
    again = services.event_create(
        actor=users["focal_point"],
        title="Grenada workshop",
        start_date=day,
        end_date=day,
        owner_country=gd,
    )
    assert again.slug == "grenada-workshop-2"
    assert AuditEntry.objects.filter(action="event_create", object_id=str(event.pk)).exists()


@pytest.mark.django_db
def test_only_managers_publish_events(users: dict[str, Any]) -> None:
    event = make_event(slug="ev", publish=False)
    with pytest.raises(PermissionDenied):
        services.event_publish(actor=users["outsider"], event=event)
    services.event_publish(actor=users["focal_point"], event=event)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and event.published_at is not None
    with pytest.raises(ServiceError, match="already"):
        services.event_publish(actor=users["focal_point"], event=event)


@pytest.mark.django_db
def test_children_copy_and_follow_the_event_label(users: dict[str, Any]) -> None:
    event = make_event(slug="ev", tlp=TLP.AMBER)
    p = services.participant_add(
        actor=users["focal_point"], event=event, name="P", sector="government"
    )
    s = services.session_add(actor=DEMO, event=event, title="S", speakers=[p])
    assert p.tlp == s.tlp == TLP.AMBER and p.owner_country_id == event.owner_country_id
    services.event_update(actor=users["focal_point"], event=event, tlp=TLP.CLEAR)
    p.refresh_from_db()
    s.refresh_from_db()
    assert p.tlp == s.tlp == TLP.CLEAR
    with pytest.raises(Conflict):
        services.event_update(
            actor=users["focal_point"], event=event, expected_version=1, title="Old"
        )


@pytest.mark.django_db
def test_participants_sessions_outcomes_validate(users: dict[str, Any]) -> None:
    event = make_event(slug="ev")
    other = make_event(slug="other")
    stranger = services.participant_add(actor=DEMO, event=other, name="Z", sector="academia")
    with pytest.raises(ServiceError, match="sector"):
        services.participant_add(actor=DEMO, event=event, name="P", sector="pirates")
    with pytest.raises(PermissionDenied):
        services.participant_add(actor=users["donor"], event=event, name="P", sector="academia")
    with pytest.raises(ServiceError, match="outside"):
        services.session_add(actor=DEMO, event=event, title="S", day=dt.date(2000, 1, 1))
    with pytest.raises(ServiceError, match="participants of this event"):
        services.session_add(actor=DEMO, event=event, title="S", speakers=[stranger])
    with pytest.raises(ServiceError, match="kind"):
        services.outcome_add(
            actor=DEMO, event=event, text="O", links=[{"kind": "pirate", "id": 1, "title": "x"}]
        )
    with pytest.raises(ServiceError, match="positive id"):
        services.outcome_add(
            actor=DEMO, event=event, text="O", links=[{"kind": "need", "id": "x", "title": "x"}]
        )
    outcome = services.outcome_add(
        actor=DEMO, event=event, text="O", links=[{"kind": "need", "id": "7", "title": "Need"}]
    )
    assert outcome.links == [{"kind": "need", "id": 7, "title": "Need"}]
    assert event.sessions.count() == 0 and event.outcomes.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "kind", "message"),
    [
        ("x.svg", SVG, "photo", "Only PDF"),
        ("x.png", SVG, "photo", "Only PDF"),
        ("x.pdf", b"<html><script>1</script>", "document", "Only PDF"),
        ("x.png", PDF, "document", "extension"),
        ("x.pdf", PDF, "photo", "not accepted here"),
        ("x.png", PNG, "presentation", "not accepted here"),
    ],
)
def test_event_file_refuses_bad_uploads(
    users: dict[str, Any], name: str, data: bytes, kind: str, message: str
) -> None:
    event = make_event(slug="ev")
    with pytest.raises(ServiceError, match=message):
        services.event_file_add(
            actor=users["focal_point"], event=event, upload=upload(name, data), kind=kind
        )
    assert not EventFile.objects.exists()


class _NamedUpload:
    """An upload whose name was not cleaned by Django (a caller other than a form)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.size = len(data)
        self._data = data

    def open(self, mode: str = "rb") -> Any:
        import io

        return io.BytesIO(self._data)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../x.pdf", "/etc/x.pdf", "..\\x.pdf", "a/b.pdf"])
def test_event_file_refuses_a_path_in_the_name(users: dict[str, Any], name: str) -> None:
    event = make_event(slug="ev")
    with pytest.raises(ServiceError, match="path"):
        services.event_file_add(
            actor=users["focal_point"],
            event=event,
            upload=_NamedUpload(name, PDF),
            kind="document",
        )
    assert not EventFile.objects.exists()


@pytest.mark.django_db
def test_event_file_oversize_is_refused(users: dict[str, Any], settings: Any) -> None:
    settings.REEF_MAX_UPLOAD_BYTES = 1024
    event = make_event(slug="ev")
    with pytest.raises(ServiceError, match="larger"):
        services.event_file_add(
            actor=users["focal_point"],
            event=event,
            upload=upload("big.pdf", PDF + b"0" * 2048),
            kind="document",
        )
    assert not EventFile.objects.exists()


@pytest.mark.django_db
def test_event_file_is_stored_under_a_generated_name(users: dict[str, Any]) -> None:
    event = make_event(slug="ev")
    item = services.event_file_add(
        actor=users["focal_point"],
        event=event,
        upload=upload("Slides (final).pdf", PDF, "text/html"),
        kind="presentation",
    )
    assert item.content_type == "application/pdf"  # the content decides, not the header
    assert item.original_name == "Slides (final).pdf"
    stored = str(item.file.name).rsplit("/", 1)[-1]
    assert stored.endswith(".pdf") and "Slides" not in stored and len(stored) == 36
    with pytest.raises(PermissionDenied):
        services.event_file_add(
            actor=users["donor"], event=event, upload=upload("a.pdf", PDF), kind="document"
        )


@pytest.mark.django_db
def test_publication_workflow_roles(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    with pytest.raises(PermissionDenied):
        services.publication_create(actor=users["outsider"], title="T", owner_country=gd)
    pub = services.publication_create(
        actor=users["focal_point"], title="T", owner_country=gd, tlp=TLP.CLEAR
    )
    with pytest.raises(ServiceError, match="in review"):
        services.publication_publish(actor=users["focal_point"], publication=pub)
    with pytest.raises(PermissionDenied):
        services.publication_submit(actor=users["outsider"], publication=pub)
    services.publication_submit(actor=users["focal_point"], publication=pub)
    with pytest.raises(ServiceError, match="needs a release"):
        services.publication_release(actor=users["focal_point"], publication=pub)
    with pytest.raises(PermissionDenied):
        services.publication_publish(actor=users["outsider"], publication=pub)
    services.publication_publish(actor=users["focal_point"], publication=pub)
    pub.refresh_from_db()
    assert pub.status == Publication.Status.PUBLISHED and pub.published_by == users["focal_point"]
    with pytest.raises(ServiceError, match="cannot be changed"):
        services.publication_update(actor=users["focal_point"], publication=pub, title="New")


@pytest.mark.django_db
def test_organisation_editor_drafts_but_only_manager_publishes(users: dict[str, Any]) -> None:
    oas = Organisation.objects.get(slug="oas")
    pub = services.publication_create(
        actor=users["donor"], title="OAS brief", owner_organisation=oas, kind="brief"
    )
    services.publication_submit(actor=users["donor"], publication=pub)
    with pytest.raises(PermissionDenied):
        services.publication_publish(actor=users["donor"], publication=pub)
    assert Publication.objects.get(pk=pub.pk).status == Publication.Status.REVIEW


@pytest.mark.django_db
def test_assessment_report_needs_the_country_release(users: dict[str, Any]) -> None:
    gd = Country.objects.get(code="GD")
    oas = Organisation.objects.get(slug="oas")
    assessment = make_assessment("GD")
    with pytest.raises(ServiceError, match="names the assessment"):
        services.publication_create(
            actor=users["focal_point"], title="R", kind="assessment_report", owner_country=gd
        )
    with pytest.raises(ServiceError, match="owned by the assessed country"):
        services.publication_create(
            actor=DEMO,
            title="R",
            kind="assessment_report",
            owner_organisation=oas,
            assessment=assessment,
        )
    pub = services.publication_create(
        actor=users["focal_point"],
        title="R",
        kind="assessment_report",
        owner_country=gd,
        assessment=assessment,
    )
    with pytest.raises(ServiceError, match="Submit"):
        services.publication_release(actor=users["focal_point"], publication=pub)
    services.publication_submit(actor=users["focal_point"], publication=pub)
    with pytest.raises(ServiceError, match="release this report first"):
        services.publication_publish(actor=users["focal_point"], publication=pub)
    for who in ("outsider", "coordinator", "donor"):  # outsider: not even seen, a 404
        with pytest.raises(ServiceError):
            services.publication_release(actor=users[who], publication=pub)
    services.publication_release(actor=users["focal_point"], publication=pub)
    services.publication_publish(actor=users["focal_point"], publication=pub)
    pub.refresh_from_db()
    assert pub.released_by == users["focal_point"] and pub.status == "published"


@pytest.mark.django_db
def test_return_clears_the_release(users: dict[str, Any]) -> None:
    pub = make_publication(slug="r", kind="assessment_report", publish=False)
    services.publication_submit(actor=DEMO, publication=pub)
    services.publication_release(actor=DEMO, publication=pub)
    services.publication_return(actor=users["focal_point"], publication=pub, reason="fix")
    pub.refresh_from_db()
    assert pub.status == "draft" and pub.released_at is None


@pytest.mark.django_db
def test_translations(users: dict[str, Any]) -> None:
    from django.utils import translation

    event = make_event(slug="ev", title="Meeting")
    with pytest.raises(ServiceError, match="language"):
        services.event_set_translation(actor=DEMO, event=event, language="xx", title="X")
    with pytest.raises(ServiceError, match="language"):
        services.event_set_translation(actor=DEMO, event=event, language="en", title="X")
    with pytest.raises(PermissionDenied):
        services.event_set_translation(
            actor=users["outsider"], event=event, language="es", title="X"
        )
    services.event_set_translation(
        actor=users["focal_point"], event=event, language="es", title="Reunión"
    )
    event.refresh_from_db()
    with translation.override("es"):
        assert event.display_title == "Reunión"
        assert event.display_report == "Report of ev"  # falls back to the original
    with translation.override("fr"):
        assert event.display_title == "Meeting"
    assert event.translated("title", "es-419") == "Reunión"
    services.event_set_translation(actor=DEMO, event=event, language="es", title="")
    event.refresh_from_db()
    assert event.translations == {}


@pytest.mark.django_db
def test_publication_attach_file(users: dict[str, Any]) -> None:
    pub = make_publication(slug="p", publish=False)
    with pytest.raises(ServiceError, match="Only PDF"):
        services.publication_attach_file(
            actor=users["focal_point"], publication=pub, upload=upload("a.pdf", b"MZ\x90\x00")
        )
    services.publication_attach_file(
        actor=users["focal_point"], publication=pub, upload=upload("a.pdf", PDF)
    )
    pub.refresh_from_db()
    assert pub.file_content_type == "application/pdf" and pub.file_size == len(PDF)


@pytest.mark.django_db
def test_snapshot_freeze(users: dict[str, Any]) -> None:
    make_event(slug="ev")
    with pytest.raises(PermissionDenied):
        services.snapshot_freeze(actor=users["focal_point"])
    frozen = services.snapshot_freeze(actor=users["coordinator"], day=dt.date(2026, 1, 1))
    assert {s.dataset for s in frozen} == set(opendata.DATASETS)
    assert Snapshot.objects.get(dataset="events", date=dt.date(2026, 1, 1)).rows == 1
    with pytest.raises(ServiceError, match="already frozen"):
        services.snapshot_freeze(actor=DEMO, day=dt.date(2026, 1, 1))
    second = services.snapshot_freeze(actor=DEMO, day=dt.date(2026, 1, 2))
    assert {s.edition for s in second} == {2}


@pytest.mark.django_db
def test_records_command(world: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    make_event(slug="cli-ev", title="Console meeting")
    out = StringIO()
    call_command("records", "export", "events", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("id,title,kind")
    out = StringIO()
    call_command("records", "search", "console", stdout=out)
    assert '"total": 1' in out.getvalue()
    out = StringIO()
    call_command("records", "snapshot", stdout=out)
    assert "events" in out.getvalue()


@pytest.mark.django_db
def test_freeze_task_is_idempotent(world: None) -> None:
    from reef.records.tasks import freeze_open_data

    assert freeze_open_data.call() == len(opendata.DATASETS)
    assert freeze_open_data.call() == 0
