"""Pages where editors add agenda sessions, participants and outcomes to an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.planning import services as planning
from reef.planning.models import Need
from reef.records.models import Event, Outcome, Participant, Session
from reef.records.tests.conftest import make_event


def _need(user: Any, code: str, title: str, tlp: str = TLP.GREEN) -> Need:
    plan = planning.plan_create(
        actor=user,
        country=Country.objects.get(code=code),
        title=f"Plan of {code}",
        cycle="2026-2028",
        tlp=tlp,
        start=dt.date(2026, 1, 1),
        end=dt.date(2028, 12, 31),
    )
    return planning.need_create(
        actor=user,
        plan=plan,
        area="incident-response",
        title=title,
        tlp=tlp,
        cost_amount="1000",
        cost_currency="USD",
        impact=3,
        urgency=3,
        feasibility=3,
        cost_rating=3,
    )


def _event() -> Event:
    # Published TLP:CLEAR: everyone may read it, only Grenada's editors may change it.
    return make_event(slug="csm")


PAGES = ["sessions", "participants", "outcomes"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_the_pages(clients: dict[str, Client], page: str) -> None:
    _event()
    url = f"/records/events/csm/{page}/new/"
    assert clients["anonymous"].get(url).status_code == 403
    assert clients["public"].get(url).status_code == 403  # may read the event, not edit it
    assert clients["outsider"].get(url).status_code == 403
    assert clients["focal_point"].get(url).status_code == 200
    hidden = make_event(slug="hidden", tlp=TLP.RED, publish=False)
    assert hidden.pk
    assert clients["outsider"].get(f"/records/events/hidden/{page}/new/").status_code == 404
    assert clients["focal_point"].get(f"/records/events/nowhere/{page}/new/").status_code == 404


@pytest.mark.django_db
def test_participants_then_a_session_with_speakers(clients: dict[str, Client]) -> None:
    event = _event()
    client = clients["focal_point"]
    url = "/records/events/csm/participants/new/"
    added = client.post(
        url,
        {
            "name": "Ana Joseph",
            "sector": "government",
            "organisation": "caricom-impacs",
            "role": "speaker",
            "consent_public": "on",
        },
    )
    assert added.status_code == 302
    client.post(url, {"name": "Private Person", "sector": "academia", "role": "participant"})
    ana = Participant.objects.get(name="Ana Joseph")
    assert ana.consent_public and ana.consent_at is not None and ana.tlp == event.tlp
    assert not Participant.objects.get(name="Private Person").consent_public

    session = client.post(
        "/records/events/csm/sessions/new/",
        {
            "title": "Regional incident response",
            "day": event.start_date.isoformat(),
            "starts_at": "09:00",
            "ends_at": "10:30",
            "speakers": [str(ana.pk)],
        },
    )
    assert session.status_code == 302
    stored = Session.objects.get(event=event)
    assert list(stored.speakers.all()) == [ana]
    page = clients["anonymous"].get("/records/events/csm/").content.decode()
    assert "Regional incident response" in page and "Ana Joseph" in page
    assert "Private Person" not in page  # no consent: not in the public record


@pytest.mark.django_db
def test_bad_input_is_a_clear_error_and_saves_nothing(clients: dict[str, Client]) -> None:
    event = _event()
    client = clients["focal_point"]
    outside = client.post(
        "/records/events/csm/sessions/new/",
        {"title": "Too late", "day": (event.end_date + dt.timedelta(days=3)).isoformat()},
    )
    assert outside.status_code == 400
    assert "outside the event" in outside.content.decode()
    backwards = client.post(
        "/records/events/csm/sessions/new/",
        {"title": "Backwards", "starts_at": "11:00", "ends_at": "10:00"},
    )
    assert backwards.status_code == 400 and "cannot end before" in backwards.content.decode()
    bad_sector = client.post(
        "/records/events/csm/participants/new/",
        {"name": "X", "sector": "astrology", "role": "participant"},
    )
    assert bad_sector.status_code == 400
    empty = client.post("/records/events/csm/outcomes/new/", {"text": ""})
    assert empty.status_code == 400
    assert not Session.objects.exists()
    assert not Participant.objects.exists()
    assert not Outcome.objects.exists()
    # A speaker from another event is not a choice.
    other = make_event(slug="other")
    stranger = Participant(event=other, name="Stranger", sector="government")
    stranger.copy_label(other)
    stranger.save()
    refused = client.post(
        "/records/events/csm/sessions/new/", {"title": "S", "speakers": [str(stranger.pk)]}
    )
    assert refused.status_code == 400 and not Session.objects.exists()


@pytest.mark.django_db
def test_outcome_links_only_to_records_the_editor_may_see(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    event = _event()
    mine = _need(users["focal_point"], "GD", "A national CSIRT")
    hidden = _need(users["outsider"], "BB", "Barbados secret need", tlp=TLP.AMBER)
    client = clients["focal_point"]
    form = client.get("/records/events/csm/outcomes/new/").content.decode()
    assert "A national CSIRT" in form
    assert "Barbados secret need" not in form
    refused = client.post(
        "/records/events/csm/outcomes/new/",
        {"text": "Agreed to build a CSIRT", "needs": [str(hidden.pk)]},
    )
    assert refused.status_code == 400 and not Outcome.objects.exists()
    done = client.post(
        "/records/events/csm/outcomes/new/",
        {"text": "Agreed to build a CSIRT", "needs": [str(mine.pk)]},
    )
    assert done.status_code == 302
    outcome = Outcome.objects.get(event=event)
    assert outcome.links == [{"kind": "need", "id": mine.pk, "title": str(mine)}]
    page = client.get("/records/events/csm/").content.decode()
    assert "Agreed to build a CSIRT" in page and "A national CSIRT" in page
    # Anonymous readers see the outcome but not the link to a TLP:GREEN need.
    public = clients["anonymous"].get("/records/events/csm/").content.decode()
    assert "Agreed to build a CSIRT" in public and "A national CSIRT" not in public


@pytest.mark.django_db
def test_event_page_offers_the_forms_to_editors_only(clients: dict[str, Client]) -> None:
    _event()
    editor = clients["focal_point"].get("/records/events/csm/").content.decode()
    assert "/records/events/csm/sessions/new/" in editor
    assert "/records/events/csm/outcomes/new/" in editor
    reader = clients["public"].get("/records/events/csm/").content.decode()
    assert "/records/events/csm/sessions/new/" not in reader
