from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from reef.records import demo
from reef.records.models import Briefing, Event, Publication, Snapshot
from reef.records.tests.conftest import make_assessment


@pytest.mark.django_db
def test_demo_is_idempotent_and_public(world: None, client: Client) -> None:
    for code, _name, _cycle in demo.ASSESSED:  # the assessments demo runs first
        make_assessment(code)
    demo.load(lambda _line: None)

    def counts() -> tuple[int, ...]:
        return tuple(m.objects.count() for m in (Event, Publication, Snapshot, Briefing))

    before = counts()
    demo.load(lambda _line: None)
    assert before == counts()
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
    # The public briefing is on the regional picture; the community one is not public.
    regional = client.get("/records/countries/").content.decode()
    assert "Business e-mail compromise against small businesses" in regional
    assert "virtual-currency kiosks" not in regional


@pytest.mark.django_db
def test_demo_country_page_shows_what_the_country_made_public(world: None, client: Client) -> None:
    from reef.planning import demo as planning_demo

    planning_demo.load(lambda _line: None)
    for code, _name, _cycle in demo.ASSESSED:
        make_assessment(code)
    demo.load(lambda _line: None)
    dominica = client.get("/records/countries/DM/").content.decode()
    assert "Needs assessment 2014-15: public summary, Dominica" in dominica
    assert "National cyber security action plan of Dominica" in dominica
    # Its restricted need is neither listed nor counted in public.
    assert "Vulnerabilities found in government systems" not in dominica
    plan = client.get("/records/data/plans.json").json()["records"]
    assert [p["country_code"] for p in plan] == ["DM"]
    assert plan[0]["needs"] > 0 and plan[0]["needs_covered"] <= plan[0]["needs"]
    # The public briefing names a need it creates, from the plans demo.
    assert Briefing.objects.get(slug="bec-small-business-2026").needs.count() == 1
    grenada = client.get("/records/countries/GD/").content.decode()
    assert "No plan made public." in grenada
