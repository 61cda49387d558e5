"""A non-public item never appears in public pages, feeds, open data, search or counts."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.records import services
from reef.records.tests.conftest import make_event, make_plan, make_publication

SECRET_WORDS = ("Zanzibarite", "Quokkaform", "Wombatine", "Narwhalic", "Hippogriffin")


@pytest.fixture
def record(world: None) -> dict[str, Any]:
    """One public event and publication, and four kinds of non-public items."""
    return {
        "public_event": make_event(slug="open-ev", title="Open meeting Pelican"),
        "public_pub": make_publication(slug="open-pub", title="Open report Pelican"),
        # CLEAR but still a draft.
        "draft_event": make_event(slug="draft-ev", title="Zanzibarite draft", publish=False),
        "draft_pub": make_publication(slug="draft-pub", title="Quokkaform draft", publish=False),
        # Published but labelled AMBER / GREEN.
        "amber_event": make_event(slug="amber-ev", title="Wombatine amber", tlp=TLP.AMBER),
        "green_pub": make_publication(slug="green-pub", title="Narwhalic green", tlp=TLP.GREEN),
        # A public plan holding an AMBER need and commitment, and a GREEN plan.
        "public_plan": make_plan(title="Open plan Heron"),
        "green_plan": make_plan(title="Hippogriffin green plan", tlp=TLP.GREEN, cycle="2023-25"),
    }


def _body(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


PUBLIC_URLS = [
    "/records/",
    "/records/events/",
    "/records/publications/",
    "/records/countries/",
    "/records/countries/GD/",
    "/records/feed/",
    "/records/feed/GD/",
    "/records/events/calendar.ics",
    "/records/data/events.csv",
    "/records/data/events.json",
    "/records/data/publications.csv",
    "/records/data/publications.json",
    "/records/data/countries.csv",
    "/records/data/countries.json",
    "/records/data/plans.csv",
    "/records/data/plans.json",
    "/records/search/?q=Hippogriffin",
    "/records/search/?q=Zanzibarite+Quokkaform",
    "/records/search/?q=Wombatine",
    "/records/search/?q=Narwhalic",
    "/api/v1/records/events",
    "/api/v1/records/publications",
    "/api/v1/records/search?q=Narwhalic",
    "/api/v1/records/search?q=Hippogriffin",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_anonymous_never_sees_non_public_items(
    record: dict[str, Any], clients: dict[str, Client], url: str
) -> None:
    body = _body(clients["anonymous"], url)
    if "search" in url:
        # The page repeats the query: look at what was found instead.
        assert "0 results" in body or '"total": 0' in body, url
        query = url.split("q=")[1]
        body = body.replace(query, "").replace(query.replace("+", " "), "")
    for word in SECRET_WORDS:
        assert word not in body, (url, word)
    for slug in ("draft-ev", "draft-pub", "amber-ev", "green-pub"):
        assert slug not in body, (url, slug)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [u for u in PUBLIC_URLS if "/feed" in u or "/data/" in u or "/countries/" in u or ".ics" in u],
)
def test_public_outputs_stay_public_for_signed_in_users(
    record: dict[str, Any], clients: dict[str, Client], url: str
) -> None:
    """Feeds, open data and country pages are the public record, whoever asks."""
    body = _body(clients["focal_point"], url)
    for word in SECRET_WORDS:
        assert word not in body, (url, word)


@pytest.mark.django_db
def test_public_items_do_appear(record: dict[str, Any], clients: dict[str, Client]) -> None:
    anon = clients["anonymous"]
    for url in ("/records/events/", "/records/feed/", "/records/data/events.csv"):
        assert "Open meeting Pelican" in _body(anon, url)
    for url in (
        "/records/publications/",
        "/records/countries/GD/",
        "/records/data/publications.json",
    ):
        assert "Open report Pelican" in _body(anon, url)


@pytest.mark.django_db
def test_counts_only_count_public_items(record: dict[str, Any], clients: dict[str, Client]) -> None:
    rows = list(
        csv.DictReader(io.StringIO(_body(clients["anonymous"], "/records/data/countries.csv")))
    )
    gd = next(r for r in rows if r["code"] == "GD")
    assert gd["public_events"] == "1" and gd["public_publications"] == "1"
    assert gd["public_plans"] == "1"
    # The public plan's progress leaves out its AMBER need and commitment.
    plans = list(
        csv.DictReader(io.StringIO(_body(clients["anonymous"], "/records/data/plans.csv")))
    )
    assert [p["title"] for p in plans] == ["Open plan Heron"]
    assert (plans[0]["needs"], plans[0]["needs_covered"], plans[0]["commitments"]) == (
        "1",
        "1",
        "1",
    )
    assert (plans[0]["cost"], plans[0]["committed"], plans[0]["gap"]) == (
        "100000.00",
        "40000.00",
        "60000.00",
    )
    page = _body(clients["anonymous"], "/records/countries/GD/")
    assert "Open plan Heron" in page and "60,000 USD" in page
    data = json.loads(_body(clients["anonymous"], "/api/v1/records/search?q=Pelican"))
    assert data["counts"] == {"event": 1, "publication": 1} and data["total"] == 2
    secret = json.loads(_body(clients["anonymous"], "/api/v1/records/search?q=Zanzibarite"))
    assert secret["total"] == 0 and secret["counts"] == {}


@pytest.mark.django_db
def test_non_consenting_participants_are_not_shown(world: None, clients: dict[str, Client]) -> None:
    event = make_event(slug="consent-ev")
    services.participant_add(
        actor=DEMO, event=event, name="Listed Person", sector="academia", consent_public=True
    )
    services.participant_add(
        actor=DEMO, event=event, name="Hidden Person", sector="government", role="speaker"
    )
    hidden = event.participants.get(name="Hidden Person")
    services.session_add(actor=DEMO, event=event, title="Panel", speakers=[hidden])
    for who in ("anonymous", "public", "outsider", "coordinator"):
        body = _body(clients[who], "/records/events/consent-ev/")
        assert "Listed Person" in body and "Hidden Person" not in body, who
        assert "Government" not in body  # not even in the counts by sector
    rows = json.loads(_body(clients["anonymous"], "/records/data/events.json"))["records"]
    assert next(r for r in rows if r["id"] == "consent-ev")["participants_listed"] == 1
    # The event's own editors see everyone, with the consent marked.
    body = _body(clients["focal_point"], "/records/events/consent-ev/")
    assert "Hidden Person" in body and "not listed publicly" in body


@pytest.mark.django_db
def test_home_record_tag_shows_public_items_only(record: dict[str, Any]) -> None:
    from django.template import Context, Template

    html = Template("{% load records %}{% public_record %}").render(Context({}))
    assert "Open meeting Pelican" in html and "Open report Pelican" in html
    for word in SECRET_WORDS:
        assert word not in html


@pytest.mark.django_db
def test_links_to_hidden_records_are_left_out(
    world: None, clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reef.records import selectors

    # Any labelled model will do: stand a GREEN publication in for a need.
    monkeypatch.setitem(selectors.LINK_MODELS, "need", "records.Publication")
    hidden = make_publication(slug="green-need", title="Grebe", tlp=TLP.GREEN)
    shown = make_publication(slug="clear-need", title="Heron")
    event = make_event(slug="links-ev")
    services.outcome_add(
        actor=DEMO,
        event=event,
        text="Agreed",
        links=[
            {"kind": "need", "id": hidden.pk, "title": "Secret Grebe need"},
            {"kind": "need", "id": shown.pk, "title": "Open Heron need"},
            {"kind": "plan", "id": 999999, "title": "Missing plan"},
        ],
    )
    anon = _body(clients["anonymous"], "/records/events/links-ev/")
    assert "Open Heron need" in anon and "/records/publications/clear-need/" in anon
    assert "Secret Grebe need" not in anon and "Missing plan" not in anon
    assert "Secret Grebe need" in _body(clients["donor"], "/records/events/links-ev/")
