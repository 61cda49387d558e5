"""Records for the hub's tests, built directly (reads only are under test here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from reef.assessments.models import Assessment, Status
from reef.assessments.tests.helpers import example_framework
from reef.consultations.models import Consultation
from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.planning.models import Area, Commitment, Need, Plan
from reef.records.models import Event, Publication


@dataclass
class Grenada:
    assessment: Assessment
    plan: Plan
    need: Need
    funded: Need
    offer: Commitment
    consultation: Consultation
    event: Event
    publication: Publication


def area() -> Area:
    found: Area | None = Area.objects.filter(key="incident-response").first()
    if found is None:
        found = Area.objects.create(taxonomy="ccscap", key="incident-response", name="IR")
    return found


def grenada(users: dict[str, Any], tlp: str = TLP.AMBER) -> Grenada:
    """Grenada records labelled `tlp`, owned by Grenada: an assessment waiting for the
    coordinator, a plan with one unfunded need and one covered by an OAS commitment,
    an OAS offer waiting for the state, a consultation closing soon, an event and a
    draft report in review."""
    gd = Country.objects.get(code="GD")
    own = {"tlp": tlp, "owner_country": gd}
    assessment = Assessment.objects.create(
        framework=example_framework("staged"),
        country=gd,
        cycle="2026",
        title="Grenada assessment 2026",
        status=Status.REQUESTED,
        requested_by=users["focal_point"],
        **own,
    )
    plan, need, funded, offer = _plan(gd, own)
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Grenada plan review",
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=4),
        **own,
    )
    event = Event.objects.create(
        slug="gd-hub-workshop",
        title="Grenada CSIRT workshop",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 2),
        country=gd,
        status=Event.Status.PUBLISHED,
        **own,
    )
    publication = Publication.objects.create(
        slug="gd-hub-draft",
        title="Grenada draft assessment report",
        kind=Publication.Kind.ASSESSMENT_REPORT,
        status=Publication.Status.REVIEW,
        submitted_at=now,
        **own,
    )
    publication.countries.add(gd)
    return Grenada(assessment, plan, need, funded, offer, consultation, event, publication)


def _plan(gd: Country, own: dict[str, Any]) -> tuple[Plan, Need, Need, Commitment]:
    """Grenada's plan: a need waiting for an OAS offer, and one the OAS funds."""
    oas = Organisation.objects.get(slug="oas")
    plan = Plan.objects.create(
        kind=Plan.Kind.NATIONAL, title="Grenada plan", cycle="2026-2028", country=gd, **own
    )
    need = Need.objects.create(
        plan=plan,
        country=gd,
        area=area(),
        title="Grenada CSIRT handlers",
        cost_amount=Decimal(100000),
        published_at=timezone.now(),  # costed and put before donors, as need_create does
        score=Decimal(9),
        **own,
    )
    funded = Need.objects.create(
        plan=plan,
        country=gd,
        area=area(),
        title="Grenada cyber law",
        cost_amount=Decimal(50000),
        published_at=timezone.now(),
        **own,
    )
    Commitment.objects.create(
        need=funded,
        organisation=oas,
        amount=Decimal(50000),
        status=Commitment.Status.ACCEPTED,
        offered_on=dt.date(2026, 1, 5),
        accepted_on=dt.date(2026, 1, 9),
        **own,
    )
    offer = Commitment.objects.create(
        need=need,
        organisation=oas,
        amount=Decimal(20000),
        status=Commitment.Status.OFFERED,
        offered_on=dt.date(2026, 2, 1),
        **own,
    )
    return plan, need, funded, offer
