from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from reef.records import demo
from reef.records.models import Event, Publication, Snapshot


@pytest.mark.django_db
def test_demo_is_idempotent_and_public(world: None, client: Client) -> None:
    demo.load(lambda _line: None)
    counts = (Event.objects.count(), Publication.objects.count(), Snapshot.objects.count())
    demo.load(lambda _line: None)
    assert counts == (Event.objects.count(), Publication.objects.count(), Snapshot.objects.count())
    csmii = Event.objects.get(slug=demo.CSMII)
    assert csmii.sessions.count() == 5 and csmii.outcomes.count() == 3
    assert csmii.hosts.count() == 2 and csmii.country is not None and csmii.country.code == "LC"
    assessments = Publication.objects.filter(kind="assessment_report", status="published")
    assert assessments.count() == 5 and all(p.released_at for p in assessments)
    with translation.override("es"):
        assert csmii.display_title.startswith("II Reunión")
    page = client.get("/records/events/csmii-2016/").content.decode()
    assert "Participant I (illustrative)" not in page
    assert "Speaker A (illustrative)" in page
    assert client.get("/records/publications/regional-trends-draft/").status_code == 404
