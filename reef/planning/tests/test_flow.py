"""The planning flow through the pages: a gap becomes a need (hand entry), the state
confirms priorities, a donor offers a commitment, the state accepts it, and the regional
heatmap and roll-up show it."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.tlp import TLP
from reef.directory.models import Grouping, Organisation
from reef.planning import services
from reef.planning.models import Commitment, Need, Plan

pytestmark = pytest.mark.django_db


# One scenario from a gap to the heatmap, each step using what the last one made.
def test_gap_to_heatmap(users: dict[str, Any], clients: dict[str, Any], gd_plan: Plan):
    fp, donor = clients["focal_point"], clients["donor"]
    regional = services.plan_create(
        actor=users["coordinator"],
        organisation=Organisation.objects.get(slug="caricom-impacs"),
        grouping=Grouping.objects.get(slug="caricom"),
        title="CCSCAP",
        cycle="2026-2028",
        tlp=TLP.GREEN,
    )
    # 1. The gap from the report, entered by hand as a need.
    form = fp.get(f"/planning/plans/{gd_plan.pk}/needs/new/")
    assert form.status_code == 200
    response = fp.post(
        f"/planning/plans/{gd_plan.pk}/needs/new/",
        {
            "area": "incident-response",
            "title": "National CSIRT operational",
            "description": "Gap D3.2 of the report",
            "cost_amount": "300000",
            "cost_currency": "USD",
            "impact": 5,
            "urgency": 5,
            "feasibility": 3,
            "cost_rating": 4,
            "tlp": TLP.GREEN,
            "framework": "reef-cmm",
            "factor_key": "D3.2",
            "aspect_key": "",
        },
    )
    assert response.status_code == 302
    need = Need.objects.get(title="National CSIRT operational")
    assert need.source == "gap" and need.factor_key == "D3.2"
    # Bad input: a clear error, nothing created.
    bad = fp.post(
        f"/planning/plans/{gd_plan.pk}/needs/new/",
        {
            "area": "incident-response",
            "title": "",
            "cost_currency": "USD",
            "impact": 5,
            "urgency": 5,
            "feasibility": 3,
            "cost_rating": 4,
        },
    )
    assert bad.status_code == 200 and Need.objects.count() == 1
    # 2. The state orders and confirms its priorities.
    assert fp.post(f"/planning/plans/{gd_plan.pk}/priorities/score/").status_code == 302
    assert (
        fp.post(
            f"/planning/plans/{gd_plan.pk}/priorities/confirm/",
            {"reason": "Agreed at the national workshop"},
        ).status_code
        == 302
    )
    gd_plan.refresh_from_db()
    assert gd_plan.priorities_confirmed_at is not None
    # 3. A donor sees the need and offers.
    page = donor.get(f"/planning/needs/{need.pk}/")
    assert page.status_code == 200 and b"Offer support" in page.content
    offer = donor.post(
        f"/planning/needs/{need.pk}/offer/",
        {
            "organisation": "oas",
            "kind": "money",
            "amount": "120000",
            "currency": "USD",
            "description": "CSIRT tooling and training",
        },
    )
    assert offer.status_code == 302
    commitment = Commitment.objects.get(need=need)
    assert commitment.status == "offered"
    # The donor may not speak for another organisation.
    assert (
        donor.post(
            f"/planning/needs/{need.pk}/offer/",
            {"organisation": "itu", "kind": "money", "amount": "1", "currency": "USD"},
        ).status_code
        == 403
    )
    # 4. The state accepts.
    detail = fp.get(f"/planning/commitments/{commitment.pk}/")
    assert b'value="accepted"' in detail.content
    assert (
        fp.post(
            f"/planning/commitments/{commitment.pk}/transition/", {"to": "accepted"}
        ).status_code
        == 302
    )
    commitment.refresh_from_db()
    assert commitment.status == "accepted"
    # 5. The regional views show it.
    coordinator = clients["coordinator"]
    heat = coordinator.get("/planning/themes/")
    row = next(r for r in heat.context["themes"].area_rows if r["country"].code == "GD")
    cell = next(c for c in row["cells"] if c["area"].key == "incident-response")
    assert (cell["count"], cell["covered"]) == (1, 1)
    assert b"1 covered" in heat.content
    region = coordinator.get(f"/planning/regional/{regional.pk}/")
    assert region.status_code == 200
    gd = region.context["view"].rolled.by_country["GD"]
    assert (gd.covered_needs, str(gd.gap)) == (1, "180000.00")
    plan_page = fp.get(f"/planning/plans/{gd_plan.pk}/")
    assert b"180,000.00" in plan_page.content
    timeline = fp.get(f"/planning/plans/{gd_plan.pk}/timeline/")
    assert timeline.status_code == 200


def test_action_and_risk_pages(
    users: dict[str, Any], clients: dict[str, Any], gd_plan: Plan, green_need: Need
):
    fp = clients["focal_point"]
    response = fp.post(
        f"/planning/needs/{green_need.pk}/actions/new/",
        {
            "title": "Workshop",
            "lead_organisation": "itu",
            "start": "2026-05-01",
            "end": "2026-05-02",
            "budget_currency": "USD",
            "delivery": "one_off_event",
            "is_training": "on",
        },
    )
    assert response.status_code == 302
    action = green_need.actions.get()
    assert action.drive_by_training
    page = fp.get(f"/planning/actions/{action.pk}/")
    assert b"drive-by training" in page.content
    timeline = fp.get(f"/planning/plans/{gd_plan.pk}/timeline/")
    assert b"drive-by" in timeline.content and b"<svg" in timeline.content
    assert (
        fp.post(
            f"/planning/plans/{gd_plan.pk}/risks/new/",
            {
                "category": "low_political_priority",
                "description": "Low priority",
                "likelihood": 4,
                "impact": 4,
            },
        ).status_code
        == 302
    )
    risks = fp.get(f"/planning/plans/{gd_plan.pk}/risks/")
    assert b"Low political and administrative priority" in risks.content


def test_plan_and_milestone_pages(
    users: dict[str, Any], clients: dict[str, Any], green_need: Need, oas: Organisation
):
    fp = clients["focal_point"]
    assert fp.get("/planning/plans/new/").status_code == 200
    created = fp.post(
        "/planning/plans/new/",
        {
            "country": "GD",
            "title": "Next plan",
            "cycle": "2029-2031",
            "tlp": TLP.AMBER,
            "currency": "XCD",
        },
    )
    assert created.status_code == 302
    assert Plan.objects.filter(cycle="2029-2031", currency="XCD").exists()
    # The outsider manages Barbados only: Grenada is not a choice.
    refused = clients["outsider"].post(
        "/planning/plans/new/",
        {"country": "GD", "title": "x", "cycle": "2040", "tlp": TLP.AMBER, "currency": "USD"},
    )
    assert refused.status_code == 200 and not Plan.objects.filter(cycle="2040").exists()
    from datetime import date

    action = services.action_create(
        actor=users["focal_point"],
        need=green_need,
        title="CSIRT",
        lead_organisation=oas,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    donor = clients["donor"]
    assert (
        donor.post(
            f"/planning/actions/{action.pk}/milestones/new/",
            {"title": "Tools bought", "due": "2026-04-01"},
        ).status_code
        == 302
    )
    milestone = action.milestones.get()
    assert donor.post(f"/planning/milestones/{milestone.pk}/done/").status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on is not None
