from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from reef.core.rules import DEMO
from reef.core.tests.routes import Sample, only
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.records import services
from reef.records.models import Briefing, Event, EventFile, Publication

PDF = b"%PDF-1.4\n%%EOF\n"


def _stored_records(gd: Country) -> tuple[Event, EventFile, Publication, Briefing]:
    """A hidden draft event with a file, a draft publication with a file, and Grenada's
    AMBER briefing; the day's open data frozen."""
    draft = services.event_create(
        actor=DEMO,
        slug="route-draft-event",
        title="Route draft event",
        start_date=dt.date(2026, 5, 1),
        end_date=dt.date(2026, 5, 2),
        owner_country=gd,
        tlp=TLP.AMBER_STRICT,  # stays hidden from others once published
    )
    # One stored file for every run (the route test calls this for each route).
    stored = "records/route-sample.pdf"
    if not default_storage.exists(stored):
        default_storage.save(stored, ContentFile(PDF))
    item = EventFile(
        event=draft,
        kind=EventFile.Kind.PRESENTATION,
        title="Slides",
        file=stored,
        content_type="application/pdf",
        size=len(PDF),
        original_name="slides.pdf",
    )
    item.copy_label(draft)
    item.save()
    pub = services.publication_create(
        actor=DEMO, slug="route-draft-pub", title="Route draft", owner_country=gd, tlp=TLP.CLEAR
    )
    Publication.objects.filter(pk=pub.pk).update(
        file=stored,
        file_content_type="application/pdf",
        file_size=len(PDF),
        file_original_name="report.pdf",
    )
    briefing = services.briefing_create(
        actor=DEMO,
        slug="route-briefing",
        title="Route briefing",
        threat="darknet markets",
        published_on=dt.date(2026, 11, 1),
        owner_country=gd,
        countries=[gd],
        tlp=TLP.AMBER,  # Grenada's members only (its coordinators too)
    )
    services.snapshot_freeze(actor=DEMO)
    return draft, item, pub, briefing


def samples(users: dict[str, Any]) -> dict[str, Sample]:
    draft, item, pub, briefing = _stored_records(Country.objects.get(code="GD"))
    today = timezone.localdate().isoformat()
    focal = only(["focal_point"])
    focal_post = only(["focal_point"], ok=302)
    return {
        "records:event_detail": Sample(kwargs={"slug": draft.slug}, expect=focal),
        "records:event_file": Sample(kwargs={"slug": draft.slug, "uid": item.uid}, expect=focal),
        "records:event_upload": Sample(kwargs={"slug": draft.slug}, expect=focal),
        "records:event_translate": Sample(kwargs={"slug": draft.slug}, expect=focal),
        "records:session_add": Sample(kwargs={"slug": draft.slug}, expect=focal),
        "records:participant_add": Sample(kwargs={"slug": draft.slug}, expect=focal),
        "records:outcome_add": Sample(kwargs={"slug": draft.slug}, expect=focal),
        "records:event_publish": Sample(
            kwargs={"slug": draft.slug}, method="post", data={}, expect=focal_post
        ),
        "records:publication_detail": Sample(kwargs={"slug": pub.slug}, expect=focal),
        "records:publication_file": Sample(kwargs={"slug": pub.slug}, expect=focal),
        "records:publication_upload": Sample(kwargs={"slug": pub.slug}, expect=focal),
        "records:publication_workflow": Sample(
            kwargs={"slug": pub.slug},
            method="post",
            data={"action": "submit"},
            expect=focal_post,
        ),
        "records:briefing_detail": Sample(
            kwargs={"slug": briefing.slug}, expect=only(["focal_point", "coordinator"])
        ),
        # The region's coordinator reads Grenada's AMBER briefing but does not edit it.
        "records:briefing_edit": Sample(
            kwargs={"slug": briefing.slug},
            expect={**focal, "coordinator": 403, "anonymous": 302},
        ),
        "records:country_detail": Sample(kwargs={"code": "GD"}),
        "records:country_feed": Sample(kwargs={"code": "GD"}),
        "records:data_download": Sample(kwargs={"dataset": "events", "fmt": "csv"}),
        "records:snapshot_download": Sample(
            kwargs={"date": today, "dataset": "events", "fmt": "json"}
        ),
        # Editors create; a signed-in user with no role has no owner to create for.
        "records:event_create": Sample(expect={"anonymous": 302, "public": 403}),
        "records:publication_create": Sample(expect={"anonymous": 302, "public": 403}),
        "records:briefing_create": Sample(expect={"anonymous": 302, "public": 403}),
    }
