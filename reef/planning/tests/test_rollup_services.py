"""Roll-up arithmetic (coverage and funding gap) through the services and selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.directory.models import Country, Grouping, Organisation
from reef.planning import selectors, services
from reef.planning.models import Need, Plan

pytestmark = pytest.mark.django_db


def test_plan_coverage_and_gap(
    users: dict[str, Any], gd_plan: Plan, green_need: Need, amber_need: Need, oas: Organisation
):
    fp, donor = users["focal_point"], users["donor"]
    coe = Organisation.objects.get(slug="coe")
    # 250,000 USD need: OAS offers 100,000 (not counted until accepted), then it is accepted.
    c1 = services.commitment_offer(actor=donor, need=green_need, organisation=oas, amount="100000")
    view = selectors.plan_overview(fp, gd_plan)
    assert view.rolled.region.covered_needs == 0
    assert view.rolled.region.gap == Decimal("349999.90")  # 250,000 USD + 270,000 XCD
    services.commitment_transition(actor=fp, commitment=c1, to="accepted")
    # CoE gives 60,000 EUR to the XCD need (1 EUR = 1.08 USD; 1 XCD = 0.37037 USD).
    c2 = services.commitment_offer(
        actor=DEMO, need=amber_need, organisation=coe, amount="60000", currency="EUR"
    )
    services.commitment_transition(actor=fp, commitment=c2, to="accepted")
    view = selectors.plan_overview(fp, gd_plan)
    by_need = view.rolled.by_need
    assert by_need[str(green_need.pk)].committed == Decimal("100000.00")
    assert by_need[str(green_need.pk)].gap == Decimal("150000.00")
    assert by_need[str(amber_need.pk)].cost == Decimal("99999.90")
    assert by_need[str(amber_need.pk)].gap == Decimal("35199.90")
    region = view.rolled.region
    assert (region.needs, region.covered_needs, region.coverage) == (2, 2, Decimal("1.0000"))
    assert region.committed == Decimal("164800.00")
    assert region.gap == Decimal("185199.90")
    # A withdrawn commitment no longer counts.
    services.commitment_transition(actor=donor, commitment=c1, to="withdrawn")
    view = selectors.plan_overview(fp, gd_plan)
    assert view.rolled.by_need[str(green_need.pk)].gap == Decimal("250000.00")
    assert view.rolled.region.covered_needs == 1


def test_overfunding_one_need_hides_no_other_gap(
    users: dict[str, Any], gd_plan: Plan, green_need: Need, oas: Organisation
):
    fp = users["focal_point"]
    small = services.need_create(
        actor=fp, plan=gd_plan, area="public-awareness", title="Posters", cost_amount="1000"
    )
    c = services.commitment_offer(
        actor=users["donor"], need=small, organisation=oas, amount="50000"
    )
    services.commitment_transition(actor=fp, commitment=c, to="accepted")
    region = selectors.plan_overview(fp, gd_plan).rolled.region
    assert region.gap == Decimal("250000.00")  # the CSIRT need is still unfunded


def test_regional_rollup_by_area_and_country(
    users: dict[str, Any], gd_plan: Plan, green_need: Need, oas: Organisation
):
    fp = users["focal_point"]
    bb = services.plan_create(
        actor=users["outsider"],
        country=Country.objects.get(code="BB"),
        title="Barbados plan",
        cycle="2026-2028",
        tlp=TLP.AMBER,
    )
    bb_need = services.need_create(
        actor=users["outsider"],
        plan=bb,
        area="incident-response",
        title="BB CSIRT",
        cost_amount="100000",
    )
    regional = services.plan_create(
        actor=users["coordinator"],
        organisation=Organisation.objects.get(slug="caricom-impacs"),
        grouping=Grouping.objects.get(slug="caricom"),
        title="CCSCAP",
        cycle="2026-2028",
        tlp=TLP.GREEN,
    )
    c = services.commitment_offer(
        actor=users["donor"], need=green_need, organisation=oas, amount="50000"
    )
    services.commitment_transition(actor=fp, commitment=c, to="accepted")
    view = selectors.regional_overview(users["coordinator"], regional)
    ir = view.rolled.by_area["incident-response"]
    assert (ir.needs, ir.covered_needs) == (2, 1)
    assert ir.cost == Decimal("350000.00") and ir.gap == Decimal("300000.00")
    assert view.rolled.by_country["GD"].gap == Decimal("200000.00")
    assert view.rolled.by_country["BB"].coverage == Decimal("0")
    assert len(view.countries) == 20
    assert view.progress and view.progress[-1].committed == Decimal("50000.00")
    # The donor sees the GREEN GD need but not Barbados' AMBER plan: it is left out.
    donor_view = selectors.regional_overview(users["donor"], regional)
    assert "BB" not in donor_view.rolled.by_country
    assert donor_view.rolled.region.needs == 1
    del bb_need
