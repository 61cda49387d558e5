"""The planning API: writes through the same services, reads through the access layer."""

from __future__ import annotations

from typing import Any

import pytest

from reef.planning.models import Need, Plan

pytestmark = pytest.mark.django_db
JSON = "application/json"


# One scenario through the API, each step using the record the last one made.
def test_create_plan_need_action_risk(clients: dict[str, Any]):
    fp = clients["focal_point"]
    plan = fp.post(
        "/api/v1/planning/plans",
        {"country": "gd", "title": "API plan", "cycle": "2040-2042"},
        content_type=JSON,
    )
    assert plan.status_code == 201 and plan.json()["country"] == "GD"
    pk = plan.json()["id"]
    assert (
        clients["outsider"]
        .post(
            "/api/v1/planning/plans",
            {"country": "GD", "title": "x", "cycle": "2050"},
            content_type=JSON,
        )
        .status_code
        == 403
    )
    assert (
        clients["anonymous"]
        .post(
            "/api/v1/planning/plans",
            {"country": "GD", "title": "x", "cycle": "2050"},
            content_type=JSON,
        )
        .status_code
        == 401
    )
    need = fp.post(
        f"/api/v1/planning/plans/{pk}/needs",
        {"area": "public-awareness", "title": "Awareness", "cost_amount": "1000"},
        content_type=JSON,
    )
    assert need.status_code == 201
    bad = fp.post(
        f"/api/v1/planning/plans/{pk}/needs", {"area": "nowhere", "title": "x"}, content_type=JSON
    )
    assert bad.status_code == 400 and bad.json()["field"] == "area"
    action = fp.post(
        f"/api/v1/planning/needs/{need.json()['id']}/actions",
        {
            "title": "One-day workshop",
            "start": "2040-01-01",
            "end": "2040-01-01",
            "lead_organisation": "itu",
            "delivery": "one_off_event",
            "is_training": True,
        },
        content_type=JSON,
    )
    assert action.status_code == 201 and action.json()["drive_by_training"] is True
    risk = fp.post(
        f"/api/v1/planning/plans/{pk}/risks",
        {
            "category": "change_of_government",
            "description": "Elections",
            "likelihood": 2,
            "impact": 5,
        },
        content_type=JSON,
    )
    assert risk.status_code == 201 and risk.json()["score"] == 10
    assert len(clients["coordinator"].get(f"/api/v1/planning/plans/{pk}/risks").json()) == 1
    assert clients["donor"].get(f"/api/v1/planning/plans/{pk}/risks").status_code == 404
    detail = fp.get(f"/api/v1/planning/plans/{pk}").json()
    assert detail["total"]["gap"] == "1000.00" or float(detail["total"]["gap"]) == 1000


def test_offer_and_lists(clients: dict[str, Any], green_need: Need, gd_plan: Plan):
    donor = clients["donor"]
    created = donor.post(
        f"/api/v1/planning/needs/{green_need.pk}/commitments",
        {"organisation": "oas", "amount": "2500.50", "currency": "USD"},
        content_type=JSON,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "offered" and body["next_steps"] == ["withdrawn"]
    other = donor.post(
        f"/api/v1/planning/needs/{green_need.pk}/commitments",
        {"organisation": "itu", "amount": "1"},
        content_type=JSON,
    )
    assert other.status_code == 403
    assert [c["id"] for c in donor.get("/api/v1/planning/commitments").json()] == [body["id"]]
    assert clients["public"].get("/api/v1/planning/commitments").json() == []
    themes = clients["coordinator"].get("/api/v1/planning/themes").json()
    assert themes["cells"]["GD"]["incident-response"] == 1
    export = clients["focal_point"].get(f"/api/v1/planning/plans/{gd_plan.pk}/export").json()
    assert export["format"] == "reef-plan"
    iati = clients["focal_point"].get(f"/api/v1/planning/plans/{gd_plan.pk}/iati")
    assert iati.status_code == 200 and b"iati-activities" in iati.content


@pytest.mark.django_db
def test_plan_import_route_is_reachable(clients: dict[str, Any]) -> None:
    # Found by schemathesis: the /plans/{pk} routes used to shadow /plans/import (405).
    response = clients["focal_point"].post(
        "/api/v1/planning/plans/import", {"bad": "payload"}, content_type="application/json"
    )
    assert response.status_code in {400, 422}


def _schema(clients: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = clients["anonymous"].get("/api/v1/openapi.json").json()
    return schema


def _body_schema(schema: dict[str, Any], path: str) -> dict[str, Any]:
    ref = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    found: dict[str, Any] = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
    return found


def test_plan_import_takes_the_plan_file_as_its_json_body(
    clients: dict[str, Any], gd_plan: Plan, green_need: Need
) -> None:
    schema = _schema(clients)
    operation = schema["paths"]["/api/v1/planning/plans/import"]["post"]
    assert [p["name"] for p in operation.get("parameters", [])] == ["cycle"]
    body = _body_schema(schema, "/api/v1/planning/plans/import")
    assert {"format", "version", "plan", "needs", "risks"} <= set(body["properties"])
    fp = clients["focal_point"]
    exported = fp.get(f"/api/v1/planning/plans/{gd_plan.pk}/export").json()
    created = fp.post("/api/v1/planning/plans/import?cycle=2090-2092", exported, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["cycle"] == "2090-2092" and created.json()["country"] == "GD"
    plan = Plan.objects.get(pk=created.json()["id"])
    assert [n.title for n in plan.needs.all()] == [green_need.title]
    # The same file under the file's own cycle exists already: a clear 400, nothing written.
    again = fp.post("/api/v1/planning/plans/import", exported, content_type=JSON)
    assert again.status_code == 400 and again.json()["field"] == "cycle"
    # Someone who does not manage Grenada may not import a plan for it.
    count = Plan.objects.count()
    refused = clients["donor"].post(
        "/api/v1/planning/plans/import?cycle=2093", exported, content_type=JSON
    )
    assert refused.status_code == 403
    assert (
        clients["anonymous"]
        .post("/api/v1/planning/plans/import", exported, content_type=JSON)
        .status_code
        == 401
    )
    # Numbers where needs are expected: refused by the schema, nothing written.
    bad = fp.post(
        "/api/v1/planning/plans/import",
        {**exported, "needs": [1, 2, 3]},
        content_type=JSON,
    )
    assert bad.status_code in {400, 422}
    assert Plan.objects.count() == count


def test_twinning_link_schema_matches_what_the_code_accepts(
    clients: dict[str, Any], users: dict[str, Any], green_need: Need
) -> None:
    body = _body_schema(_schema(clients), "/api/v1/planning/twinning/links")
    assert set(body["properties"]) == {"a_ref", "b_ref", "note"}
    assert sorted(body["required"]) == ["a_ref", "b_ref"]
    from reef.core.rules import DEMO
    from reef.directory.models import Organisation
    from reef.planning import services

    oas = Organisation.objects.get(slug="oas")
    itu = Organisation.objects.get(slug="itu")
    a = services.commitment_offer(actor=DEMO, need=green_need, organisation=oas, amount="10")
    b = services.commitment_offer(actor=DEMO, need=green_need, organisation=itu, amount="20")
    payload = {"a_ref": f"commitment:{a.pk}", "b_ref": f"commitment:{b.pk}", "note": "same CSIRT"}
    assert (
        clients["outsider"].post("/api/v1/planning/twinning/links", payload, content_type=JSON)
    ).status_code in {403, 404}
    linked = clients["focal_point"].post(
        "/api/v1/planning/twinning/links", payload, content_type=JSON
    )
    assert linked.status_code == 201, linked.content
    assert linked.json()["a_ref"] == f"commitment:{a.pk}"
    # What the old schema (records' LinkIn: kind, id, title) described is refused.
    wrong = clients["focal_point"].post(
        "/api/v1/planning/twinning/links",
        {"kind": "commitment", "id": a.pk, "title": "x"},
        content_type=JSON,
    )
    assert wrong.status_code in {400, 422}
