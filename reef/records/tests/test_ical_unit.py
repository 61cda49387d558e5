from __future__ import annotations

import datetime as dt

from reef.records import ical


def test_escaping_and_folding() -> None:
    assert ical.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    long = "x" * 200
    folded = ical.fold("SUMMARY:" + long)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + long
    accented = ical.fold("SUMMARY:" + "é" * 100)
    for line in accented.split("\r\n"):
        assert len(line.encode()) <= 75
        line.encode().decode("utf-8")


def test_all_day_event_ends_the_day_after() -> None:
    text = ical.calendar(
        [
            ical.CalendarEvent(
                uid="u1",
                title="T",
                start=dt.date(2016, 3, 16),
                end=dt.date(2016, 3, 19),
                stamp=dt.datetime(2016, 1, 1, tzinfo=dt.UTC),
                url="http://x/\r\nBAD",
            )
        ],
        name="n",
        prodid="-//Reef//EN",
    )
    assert "DTSTART;VALUE=DATE:20160316\r\n" in text
    assert "DTEND;VALUE=DATE:20160320\r\n" in text
    assert "\r\nBAD" not in text
    assert text.endswith("END:VCALENDAR\r\n")
