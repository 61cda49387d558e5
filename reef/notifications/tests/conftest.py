from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reef.assessments.models import Assessment, Status
from reef.assessments.tests.helpers import build
from reef.core.tlp import TLP
from reef.directory.models import Country
from reef.planning import services as planning
from reef.planning.models import Need, Plan


def _quiet[T](built: T) -> T:
    """Building a fixture runs services that notify (a request, a need): these tests start
    from an empty inbox and outbox, and count only what they send themselves."""
    from django.core import mail
    from django.core.cache import cache

    from reef.notifications.models import Notification

    Notification.objects.all().delete()
    cache.clear()
    mail.outbox.clear()
    return built


@pytest.fixture
def requested(users: dict[str, Any]) -> Assessment:
    """A Grenada assessment (TLP:AMBER) requested by the focal point."""
    return _quiet(build(users, until=Status.REQUESTED))


@pytest.fixture
def gd_plan(users: dict[str, Any]) -> Plan:
    return planning.plan_create(
        actor=users["focal_point"],
        country=Country.objects.get(code="GD"),
        title="Grenada national cyber security plan",
        cycle="2026-2028",
        tlp=TLP.GREEN,
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )


@pytest.fixture
def need(gd_plan: Plan, users: dict[str, Any]) -> Need:
    return _quiet(
        planning.need_create(
            actor=users["focal_point"],
            plan=gd_plan,
            area="incident-response",
            title="A national CSIRT with trained incident handlers",
            cost_amount="250000",
            cost_currency="USD",
        )
    )
