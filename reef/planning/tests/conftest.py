from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.planning import services
from reef.planning.models import Action, Need, Plan, Risk


@pytest.fixture
def gd_plan(users: dict[str, Any]) -> Plan:
    return services.plan_create(
        actor=users["focal_point"],
        country=Country.objects.get(code="GD"),
        title="Grenada national cyber security plan",
        cycle="2026-2028",
        tlp=TLP.GREEN,
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )


@pytest.fixture
def green_need(gd_plan: Plan, users: dict[str, Any]) -> Need:
    return services.need_create(
        actor=users["focal_point"],
        plan=gd_plan,
        area="incident-response",
        title="A national CSIRT with trained incident handlers",
        cost_amount="250000",
        cost_currency="USD",
        impact=5,
        urgency=4,
        feasibility=3,
        cost_rating=4,
    )


@pytest.fixture
def amber_need(gd_plan: Plan, users: dict[str, Any]) -> Need:
    return services.need_create(
        actor=users["focal_point"],
        plan=gd_plan,
        area="legal-environment",
        title="Prosecutors trained in electronic evidence",
        cost_amount="270000",
        cost_currency="XCD",
        tlp=TLP.AMBER,
        impact=4,
        urgency=3,
        feasibility=4,
        cost_rating=2,
    )


@pytest.fixture
def oas() -> Organisation:
    org: Organisation = Organisation.objects.get(slug="oas")
    return org


# The edit tests' action and risk (a module's own fixture of the same name wins).
@pytest.fixture
def action(users: dict[str, Any], green_need: Need) -> Action:
    return services.action_create(
        actor=users["focal_point"],
        need=green_need,
        title="One-day awareness workshop",
        start=date(2026, 3, 1),
        end=date(2026, 3, 1),
        delivery="one_off_event",
        is_training=True,
    )


@pytest.fixture
def risk(users: dict[str, Any], gd_plan: Plan) -> Risk:
    return services.risk_create(
        actor=users["focal_point"],
        plan=gd_plan,
        category="funding",
        description="The budget is cut",
        likelihood=2,
        impact=3,
    )
