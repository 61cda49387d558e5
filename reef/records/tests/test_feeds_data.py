from __future__ import annotations

import csv
import datetime as dt
import io
import json

import feedparser
import icalendar
import pytest
from django.test import Client

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.records import opendata, services
from reef.records.tests.conftest import make_event, make_plan, make_publication


@pytest.fixture
def items(world: None) -> None:
    make_event(slug="future-ev", title="Future meeting; with, commas", start=dt.date.today())
    make_event(slug="past-ev", title="Past meeting", start=dt.date(2016, 3, 16), country="LC")
    make_publication(slug="pub-1", title="Report one")
    make_plan(country="GD")
    services.briefing_create(
        actor=DEMO,
        title="Briefing one",
        threat="darknet markets",
        published_on=dt.date(2026, 11, 1),
        sources=[{"title": "A source", "url": "https://example.org/source"}],
        countries=list(Country.objects.filter(code="GD")),
        owner_country=Country.objects.get(code="GD"),
        tlp=TLP.CLEAR,
    )


@pytest.mark.django_db
def test_atom_feed_parses(items: None, client: Client) -> None:
    response = client.get("/records/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = {e.title for e in feed.entries}
    assert {"Future meeting; with, commas", "Past meeting", "Report one", "Briefing one"} <= titles
    assert all(e.link.startswith("http") for e in feed.entries)


@pytest.mark.django_db
def test_country_feed_is_filtered(items: None, client: Client) -> None:
    feed = feedparser.parse(client.get("/records/feed/LC/").content)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Past meeting"]
    assert client.get("/records/feed/ZZ/").status_code == 404


@pytest.mark.django_db
def test_icalendar_lists_upcoming_events_and_parses(items: None, client: Client) -> None:
    response = client.get("/records/events/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert [str(e["SUMMARY"]) for e in events] == ["Future meeting; with, commas"]
    start = events[0].decoded("DTSTART")
    end = events[0].decoded("DTEND")
    assert end - start == dt.timedelta(days=2)  # two days, exclusive end


@pytest.mark.django_db
@pytest.mark.parametrize("dataset", list(opendata.DATASETS))
def test_open_data_matches_the_dictionary(items: None, client: Client, dataset: str) -> None:
    dictionary = client.get("/records/data/dictionary.json").json()
    spec = dictionary["datasets"][dataset]
    names = [f["name"] for f in spec["fields"]]
    assert all(f["type"] and f["description"] for f in spec["fields"])
    assert dictionary["licence"]["id"] == "CC-BY-4.0"
    rows = list(
        csv.reader(io.StringIO(client.get(f"/records/data/{dataset}.csv").content.decode()))
    )
    assert rows[0] == names and len(rows) > 1
    assert all(len(r) == len(names) for r in rows)
    payload = client.get(f"/records/data/{dataset}.json").json()
    assert payload["fields"] == names and payload["licence"]["id"] == "CC-BY-4.0"
    assert payload["records"]
    for record in payload["records"]:
        assert list(record) == names
        for f in spec["fields"]:
            value = record[f["name"]]
            expected = {"integer": int, "list": list}.get(f["type"], str)
            assert isinstance(value, expected), (f["name"], value)
    assert spec["urls"]["csv"].endswith(f"/records/data/{dataset}.csv")


@pytest.mark.django_db
def test_unknown_dataset_or_format_is_404(client: Client, world: None) -> None:
    assert client.get("/records/data/people.csv").status_code == 404
    assert client.get("/records/data/events.xml").status_code == 404
    assert client.get("/records/data/snapshots/2016-03-16/events.csv").status_code == 404
    assert client.get("/records/data/snapshots/not-a-date/events.csv").status_code == 404


@pytest.mark.django_db
def test_csv_cells_cannot_run_as_formulas(world: None, client: Client) -> None:
    make_event(slug="formula", title='=HYPERLINK("http://evil")')
    body = client.get("/records/data/events.csv").content.decode()
    assert "'=HYPERLINK" in body


@pytest.mark.django_db
def test_snapshots_are_frozen(items: None, client: Client) -> None:
    day = dt.date(2026, 2, 1)
    services.snapshot_freeze(actor=DEMO, day=day)
    make_publication(slug="pub-2", title="Report two")
    frozen = client.get("/records/data/snapshots/2026-02-01/publications.json").json()
    assert frozen["version"] == "2026-02-01"
    assert [r["id"] for r in frozen["records"]] == ["pub-1"]
    current = client.get("/records/data/publications.json").json()
    assert {r["id"] for r in current["records"]} == {"pub-1", "pub-2"}
    csv_body = client.get("/records/data/snapshots/2026-02-01/events.csv")
    assert csv_body["Content-Disposition"] == 'attachment; filename="reef-events-2026-02-01.csv"'
    page = client.get("/records/data/").content.decode()
    assert "/records/data/snapshots/2026-02-01/events.csv" in page


def test_dictionary_json_is_valid_json_without_db() -> None:
    # The writers need no database: a record dict in, text out.
    text = opendata.to_csv(
        "countries",
        [
            {
                "code": "GD",
                "name": "Grenada",
                "public_events": 1,
                "public_publications": 0,
                "public_plans": 1,
                "url": "u",
            }
        ],
    )
    assert text.splitlines()[0] == "code,name,public_events,public_publications,public_plans,url"
    assert json.loads(json.dumps(opendata.licence()))["url"].startswith("https://creativecommons")
