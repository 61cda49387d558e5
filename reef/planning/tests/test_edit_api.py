"""The PATCH routes of needs, actions' sustainability profiles and risks (issue 14): If-Match,
412 on a stale version, 400 naming the field, documented with examples."""

from __future__ import annotations

from typing import Any

import pytest

from reef.core.concurrency import etag_for
from reef.core.rules import DEMO
from reef.planning import services
from reef.planning.models import Action, Need, Plan, Risk
from reef.planning.tests.edit_checks import NEED_FIELDS, audited, snapshot

pytestmark = pytest.mark.django_db


JSON = "application/json"


def test_patch_need_api(users: dict[str, Any], clients: dict[str, Any], amber_need: Need):
    url = f"/api/v1/planning/needs/{amber_need.pk}"
    fp = clients["focal_point"]
    got = fp.get(url)
    etag = got["ETag"]
    assert etag == etag_for(amber_need) and got.json()["version"] == amber_need.version
    body = {"cost_amount": "5000", "cost_currency": "USD"}
    assert clients["anonymous"].patch(url, body, content_type=JSON).status_code == 401
    for who, status in (("outsider", 404), ("donor", 404), ("coordinator", 403)):
        response = clients[who].patch(url, body, content_type=JSON, HTTP_IF_MATCH=etag)
        assert response.status_code == status, who
    assert fp.patch(url, body, content_type=JSON).status_code == 428
    before = snapshot(amber_need, NEED_FIELDS)
    for bad, field in (
        ({"cost_amount": "-1"}, "cost_amount"),
        ({"cost_currency": "DOGE"}, "cost_currency"),
        ({"impact": 0}, "impact"),
    ):
        response = fp.patch(url, bad, content_type=JSON, HTTP_IF_MATCH=etag)
        assert response.status_code == 400, bad
        assert response.json()["field"] == field
    assert snapshot(amber_need, NEED_FIELDS) == before
    ok = fp.patch(url, body, content_type=JSON, HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
    assert ok.json()["cost_amount"] in {"5000.00", 5000}
    assert ok["ETag"] != etag and ok["ETag"] == etag_for(Need.objects.get(pk=amber_need.pk))
    stale = fp.patch(url, {"title": "Stale"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Need.objects.get(pk=amber_need.pk).title == amber_need.title
    assert audited("need_update", amber_need)


def test_publish_api_needs_a_cost(users: dict[str, Any], clients: dict[str, Any], gd_plan: Plan):
    draft = services.need_create(actor=DEMO, plan=gd_plan, area="public-awareness", title="Draft")
    fp = clients["focal_point"]
    url = f"/api/v1/planning/needs/{draft.pk}/publish"
    refused = fp.post(url, HTTP_IF_MATCH=etag_for(draft))
    assert refused.status_code == 400 and refused.json()["field"] == "cost_amount"
    assert clients["coordinator"].post(url, HTTP_IF_MATCH=etag_for(draft)).status_code == 403
    patched = fp.patch(
        f"/api/v1/planning/needs/{draft.pk}",
        {"cost_amount": "10"},
        content_type=JSON,
        HTTP_IF_MATCH=etag_for(draft),
    )
    assert patched.json()["published"] is False
    published = fp.post(url, HTTP_IF_MATCH=patched["ETag"])
    assert published.status_code == 200 and published.json()["published"] is True


def test_patch_sustainability_and_risk_api(
    users: dict[str, Any], clients: dict[str, Any], action: Action, risk: Risk
):
    # The plan is TLP:GREEN: signed-in outsiders read it, so they get 403, not 404.
    fp = clients["focal_point"]
    url = f"/api/v1/planning/actions/{action.pk}/sustainability"
    etag = fp.get(f"/api/v1/planning/actions/{action.pk}")["ETag"]
    body = {"delivery": "recurring_programme", "train_the_trainer": True, "local_ownership": True}
    assert clients["anonymous"].patch(url, body, content_type=JSON).status_code == 401
    assert (
        clients["outsider"].patch(url, body, content_type=JSON, HTTP_IF_MATCH=etag).status_code
        == 403
    )
    assert (
        clients["coordinator"].patch(url, body, content_type=JSON, HTTP_IF_MATCH=etag).status_code
        == 403
    )
    bad = fp.patch(url, {"delivery": "sometimes"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert bad.status_code == 400 and bad.json()["field"] == "delivery"
    ok = fp.patch(url, body, content_type=JSON, HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok.json()["drive_by_training"] is False
    assert (
        ok.json()["sustainability_score"] == Action.objects.get(pk=action.pk).sustainability_score
    )
    assert fp.patch(url, body, content_type=JSON, HTTP_IF_MATCH=etag).status_code == 412

    rurl = f"/api/v1/planning/risks/{risk.pk}"
    retag = fp.get(rurl)["ETag"]
    assert clients["anonymous"].patch(rurl, {"impact": 5}, content_type=JSON).status_code == 401
    assert (
        clients["donor"]
        .patch(rurl, {"impact": 5}, content_type=JSON, HTTP_IF_MATCH=retag)
        .status_code
        == 403
    )
    assert (
        clients["coordinator"]
        .patch(rurl, {"impact": 5}, content_type=JSON, HTTP_IF_MATCH=retag)
        .status_code
        == 403
    )
    out_of_range = fp.patch(rurl, {"likelihood": 9}, content_type=JSON, HTTP_IF_MATCH=retag)
    assert out_of_range.status_code == 400 and out_of_range.json()["field"] == "likelihood"
    changed = fp.patch(
        rurl, {"impact": 5, "risk_owner": "PS ICT"}, content_type=JSON, HTTP_IF_MATCH=retag
    )
    assert changed.status_code == 200
    assert (changed.json()["score"], changed.json()["risk_owner"]) == (10, "PS ICT")
    assert fp.patch(rurl, {"impact": 1}, content_type=JSON, HTTP_IF_MATCH=retag).status_code == 412
    assert Risk.objects.get(pk=risk.pk).impact == 5
    assert audited("risk_update", risk)


def test_patch_routes_are_documented_with_examples(clients: dict[str, Any]):
    schema = clients["anonymous"].get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/planning/needs/{pk}",
        "/api/v1/planning/actions/{pk}/sustainability",
        "/api/v1/planning/risks/{pk}",
    ):
        patch = paths[path]["patch"]
        assert "If-Match" in patch["description"]
        assert {"412", "428"} <= set(patch["responses"])
    components = schema["components"]["schemas"]
    for name in ("NeedPatchIn", "SustainabilityPatchIn", "RiskPatchIn"):
        assert components[name].get("examples"), name
