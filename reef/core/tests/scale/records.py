"""The public record: events, publications and briefings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation


def make_records(
    *, count: int = 1000, countries: Sequence[Country], needs: Sequence[Any] = ()
) -> dict[str, int]:
    """`count` records: two fifths events, two fifths publications, a fifth briefings,
    owned by countries and organisations in turn, two thirds published, under varied labels
    (ten make a public event and a public publication)."""
    from reef.records import services as r
    from reef.records.models import Event, Publication

    orgs = list(Organisation.objects.order_by("slug")[:20])
    labels = (TLP.CLEAR, TLP.CLEAR, TLP.GREEN, TLP.AMBER)
    start = dt.date(2080, 1, 6)
    events = publications = briefings = 0
    made_events: list[Event] = []
    for n in range(count):
        country = countries[n % len(countries)]
        owner = {"owner_country": country} if n % 2 else {"owner_organisation": orgs[n % len(orgs)]}
        tlp = labels[n % len(labels)]
        kind = n % 5
        with transaction.atomic():
            if kind in (0, 1):
                day = start + dt.timedelta(days=3 * n)
                event = r.event_create(
                    actor=DEMO,
                    title=f"Workshop {n} in {country.name} (scale)",
                    kind=Event.Kind.WORKSHOP if n % 3 else Event.Kind.TRAINING,
                    start_date=day,
                    end_date=day + dt.timedelta(days=2),
                    country=country,
                    venue="National conference centre",
                    summary="Two days on incident response and cooperation (scale).",
                    hosts=[orgs[n % len(orgs)]],
                    tlp=tlp,
                    **owner,
                )
                if n % 3:
                    r.event_publish(actor=DEMO, event=event)
                made_events.append(event)
                events += 1
            elif kind in (2, 3):
                p = r.publication_create(
                    actor=DEMO,
                    title=f"Publication {n} on {country.name} (scale)",
                    kind=(Publication.Kind.REPORT, Publication.Kind.BRIEF)[n % 2],
                    authors="Regional secretariat (scale)",
                    abstract="Findings and recommendations (scale).",
                    tlp=tlp,
                    countries=[country, countries[(n + 1) % len(countries)]],
                    events=made_events[-1:],
                    **owner,
                )
                if n % 3:
                    r.publication_submit(actor=DEMO, publication=p)
                    r.publication_publish(actor=DEMO, publication=p)
                publications += 1
            else:
                r.briefing_create(
                    actor=DEMO,
                    title=f"Threat briefing {n} (scale)",
                    threat="Ransomware",
                    published_on=start + dt.timedelta(days=2 * n),
                    summary="A campaign against public bodies (scale).",
                    sources=[{"title": "Advisory", "url": "https://example.org/advisory"}],
                    countries=[country],
                    needs=[needs[n % len(needs)]] if needs else [],
                    tlp=tlp,
                    **owner,
                )
                briefings += 1
    return {"events": events, "publications": publications, "briefings": briefings}
