"""Access: a donor sees only what labels allow; outsiders get 404 in pages, API and CLI."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from reef.core.tlp import TLP
from reef.directory.models import Country, Organisation
from reef.planning import selectors, services
from reef.planning.models import Need, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def amber_plan(users: dict[str, Any]) -> Plan:
    return services.plan_create(
        actor=users["focal_point"],
        country=Country.objects.get(code="GD"),
        title="Restricted plan",
        cycle="2030-2032",
        tlp=TLP.AMBER,
    )


def test_donor_sees_green_and_shared_needs_only(
    users: dict[str, Any], green_need: Need, amber_need: Need, oas: Organisation
):
    donor = users["donor"]
    assert set(selectors.needs_for(donor)) == {green_need}
    amber_need.shared_with_organisations.add(oas)
    assert set(selectors.needs_for(donor)) == {green_need, amber_need}
    assert set(selectors.needs_for(users["outsider"])) == {green_need}
    assert set(selectors.needs_for(users["focal_point"])) == {green_need, amber_need}
    assert set(selectors.needs_for(users["public"])) == set()


def test_pages_hide_what_labels_hide(
    clients: dict[str, Any], amber_need: Need, green_need: Need, amber_plan: Plan
):
    url = f"/planning/needs/{amber_need.pk}/"
    assert clients["focal_point"].get(url).status_code == 200
    assert clients["coordinator"].get(url).status_code == 200  # coordinates the region
    for who in ("donor", "outsider", "expert", "public", "anonymous"):
        assert clients[who].get(url).status_code == 404, who
    listing = clients["donor"].get("/planning/needs/").content
    assert green_need.title.encode() in listing and amber_need.title.encode() not in listing
    for who in ("donor", "outsider", "public"):
        assert clients[who].get(f"/planning/plans/{amber_plan.pk}/").status_code == 404
        assert clients[who].get(f"/planning/plans/{amber_plan.pk}/export.json").status_code == 404


def test_api_hides_what_labels_hide(
    clients: dict[str, Any], amber_need: Need, green_need: Need, amber_plan: Plan
):
    assert clients["outsider"].get(f"/api/v1/planning/needs/{amber_need.pk}").status_code == 404
    assert clients["outsider"].get(f"/api/v1/planning/plans/{amber_plan.pk}").status_code == 404
    ids = {n["id"] for n in clients["donor"].get("/api/v1/planning/needs").json()}
    assert ids == {green_need.pk}
    offer = clients["donor"].post(
        f"/api/v1/planning/needs/{amber_need.pk}/commitments",
        {"organisation": "oas", "amount": "10"},
        content_type="application/json",
    )
    assert offer.status_code == 404
    anonymous = clients["anonymous"].post(
        f"/api/v1/planning/needs/{green_need.pk}/commitments",
        {"organisation": "oas", "amount": "10"},
        content_type="application/json",
    )
    assert anonymous.status_code in (401, 404)


def test_export_contains_only_visible_records(
    users: dict[str, Any], gd_plan: Plan, green_need: Need, amber_need: Need
):
    from reef.planning import exchange

    donor_titles = [n["title"] for n in exchange.plan_to_dict(users["donor"], gd_plan)["needs"]]
    assert donor_titles == [green_need.title]
    fp_titles = [n["title"] for n in exchange.plan_to_dict(users["focal_point"], gd_plan)["needs"]]
    assert set(fp_titles) == {green_need.title, amber_need.title}


def test_cli_hidden_is_not_found(users: dict[str, Any], amber_plan: Plan):
    out = StringIO()
    call_command("plan", "export", "GD", "--json", "--as", users["focal_point"].email, stdout=out)
    assert "Restricted plan" in out.getvalue()
    with pytest.raises(CommandError, match="Not found"):
        call_command(
            "plan", "export", "GD", "--json", "--as", users["outsider"].email, stdout=StringIO()
        )
    with pytest.raises(CommandError, match="Not found"):
        call_command("plan", "export", "GD", "--json", stdout=StringIO())  # anonymous
