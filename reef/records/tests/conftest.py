from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.records import services
from reef.records.models import Event, Publication

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type)


def make_event(
    *,
    slug: str,
    tlp: str = TLP.CLEAR,
    publish: bool = True,
    country: str = "GD",
    title: str | None = None,
    start: dt.date | None = None,
    owner_country: str | None = "GD",
) -> Event:
    start = start or dt.date.today() + dt.timedelta(days=30)
    event = services.event_create(
        actor=DEMO,
        slug=slug,
        title=title or f"Event {slug}",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        owner_country=Country.objects.get(code=owner_country) if owner_country else None,
        owner_organisation=None if owner_country else Organisation.objects.get(slug="ctu"),
        country=Country.objects.get(code=country),
        summary=f"Summary of {slug}",
        report=f"Report of {slug}",
        tlp=tlp,
    )
    if publish:
        services.event_publish(actor=DEMO, event=event)
    return event


def make_assessment(country: str = "GD", tlp: str = TLP.AMBER) -> Any:
    """An assessment of `country` for a report to name (a fixture row: the assessment
    workflow is tested in its own app)."""
    from reef.assessments.models import Assessment
    from reef.frameworks.models import Framework

    framework, _created = Framework.objects.get_or_create(
        slug="records-test",
        release="1",
        defaults={"name": "Test framework", "kind": "staged", "document": {}, "tlp": TLP.CLEAR},
    )
    place = Country.objects.get(code=country)
    return Assessment.objects.create(
        framework=framework,
        country=place,
        cycle="2026",
        title=f"Assessment of {place.name}",
        tlp=tlp,
        owner_country=place,
    )


def make_publication(
    *,
    slug: str,
    tlp: str = TLP.CLEAR,
    publish: bool = True,
    country: str = "GD",
    title: str | None = None,
    kind: str = Publication.Kind.REPORT,
) -> Publication:
    gd = Country.objects.get(code=country)
    assessment = make_assessment(country) if kind == Publication.Kind.ASSESSMENT_REPORT else None
    pub = services.publication_create(
        actor=DEMO,
        slug=slug,
        title=title or f"Publication {slug}",
        kind=kind,
        owner_country=gd,
        abstract=f"Abstract of {slug}",
        tlp=tlp,
        countries=[gd],
        assessment=assessment,
    )
    if publish:
        services.publication_submit(actor=DEMO, publication=pub)
        if kind == Publication.Kind.ASSESSMENT_REPORT:
            services.publication_release(actor=DEMO, publication=pub)
        services.publication_publish(actor=DEMO, publication=pub)
    return pub


def make_plan(
    *, country: str = "GD", tlp: str = TLP.CLEAR, title: str | None = None, cycle: str = "2026-28"
) -> Any:
    """A national plan with one need of its own label, half funded, and one AMBER need
    with an AMBER commitment (never shown nor counted in public)."""
    from reef.core.rules import DEMO
    from reef.planning import services as planning

    state = Country.objects.get(code=country)
    oas = Organisation.objects.get(slug="oas")
    plan = planning.plan_create(
        actor=DEMO,
        country=state,
        title=title or f"National plan of {state.name}",
        cycle=cycle,
        tlp=tlp,
        start=dt.date(2026, 1, 1),
        end=dt.date(2028, 12, 31),
    )
    need = planning.need_create(
        actor=DEMO,
        plan=plan,
        area="incident-response",
        title="A national CSIRT",
        cost_amount="100000",
    )
    pledge = planning.commitment_offer(actor=DEMO, need=need, organisation=oas, amount="40000")
    planning.commitment_transition(actor=DEMO, commitment=pledge, to="accepted")
    hidden = planning.need_create(
        actor=DEMO,
        plan=plan,
        area="incident-response",
        title="Hippogriffin vulnerabilities",
        cost_amount="999999",
        tlp=TLP.AMBER,
    )
    planning.commitment_offer(
        actor=DEMO, need=hidden, organisation=oas, amount="500000", tlp=TLP.AMBER
    )
    return plan
