"""Issue 13 item 8: feeds and calendars are escaped for their content type, so markup
typed by an editor of a public event or publication is never rendered by a reader."""

from __future__ import annotations

import datetime as dt
import re

import feedparser
import icalendar
import pytest
from django.test import Client

from reef.records.tests.conftest import make_event, make_publication

MARKUP = (
    '<b>bold</b> <img src="x" onerror="alert(1)"> <a href="javascript:alert(2)">click</a>'
    " <script>alert(3)</script> &lt;i&gt;typed entity&lt;/i&gt; a < b"
)
TAG = re.compile(r"</?[a-zA-Z!]")  # what an HTML parser would take for a tag


@pytest.fixture
def hostile(world: None) -> None:
    event = make_event(slug="hostile-ev", title="Meeting <b>now</b>", start=dt.date.today())
    event.summary = MARKUP
    event.venue = '<img src="v" onerror="alert(4)">Hall'
    event.save()
    pub = make_publication(slug="hostile-pub", title="Report <i>one</i>")
    pub.abstract = MARKUP
    pub.save()


def _no_markup(text: str) -> None:
    assert not TAG.search(text), text
    for word in ("onerror", "javascript:", "<script"):
        assert word not in text.lower(), text


@pytest.mark.django_db
def test_atom_summaries_are_plain_text_and_no_markup_survives(
    hostile: None, client: Client
) -> None:
    raw = client.get("/records/feed/").content.decode()
    assert 'type="html"' not in raw
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.bozo_exception
    entries = {e.id: e for e in feed.entries}
    assert {"reef:records:event:", "reef:records:publication:"} <= {
        key.rsplit(":", 1)[0] + ":" for key in entries
    }
    for entry in feed.entries:
        assert entry.summary_detail.type == "text/plain"
        _no_markup(entry.summary)
        _no_markup(entry.title)
    summaries = " ".join(e.summary for e in feed.entries)
    assert "bold" in summaries and "click" in summaries  # the words stay, as text


@pytest.mark.django_db
def test_icalendar_text_has_no_markup(hostile: None, client: Client) -> None:
    cal = icalendar.Calendar.from_ical(client.get("/records/events/calendar.ics").content)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert events
    for event in events:
        for field in ("SUMMARY", "DESCRIPTION", "LOCATION"):
            _no_markup(str(event.get(field, "")))
    assert "Hall" in str(events[0]["LOCATION"])
