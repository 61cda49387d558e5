"""Needs, actions' sustainability profiles and risks are editable (issue 14): services,
pages and API, versioned (a stale version changes nothing) and audited. A need from a
gap is titled from the framework's own texts and waits for a cost before donors see it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from reef.core.concurrency import etag_for
from reef.core.errors import Conflict, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO
from reef.directory.models import Country
from reef.frameworks import formats
from reef.hub.selectors import unfunded_needs
from reef.notifications.models import Notification
from reef.notifications.services import notification_preference_set
from reef.planning import services
from reef.planning.models import Action, Need, Plan, Risk

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _audited(action: str, obj: Any) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).exists()


def _snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    return {name: getattr(fresh, name) for name in [*fields, "version"]}


NEED_FIELDS = ["title", "description", "area_id", "cost_amount", "cost_currency", "impact"]


@pytest.fixture
def action(users: dict[str, Any], green_need: Need) -> Action:
    from datetime import date

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


# --- services --------------------------------------------------------------------------


def test_need_update_is_versioned_audited_and_rescored(users: dict[str, Any], green_need: Need):
    fp = users["focal_point"]
    version = green_need.version
    need = services.need_update(
        actor=fp,
        need=green_need,
        title="A national CSIRT",
        cost_amount="300000",
        cost_currency="eur",
        area="legal-environment",
        impact=1,
        expected_version=version,
    )
    stored = Need.objects.get(pk=need.pk)
    assert (stored.title, stored.cost_amount, stored.cost_currency, stored.area.key) == (
        "A national CSIRT",
        Decimal("300000.00"),
        "EUR",
        "legal-environment",
    )
    assert stored.impact == 1 and stored.score == need.score and stored.version == version + 1
    entry = AuditEntry.objects.filter(action="need_update", object_id=str(need.pk)).get()
    assert "cost_amount" in entry.detail["changed"] and "impact" in entry.detail["changed"]
    # A second writer still holding the old version loses and changes nothing.
    before = _snapshot(need, NEED_FIELDS)
    with pytest.raises(Conflict):
        services.need_update(actor=fp, need=need, title="Stale", expected_version=version)
    assert _snapshot(need, NEED_FIELDS) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cost_amount": "-5"}, "cost_amount"),
        ({"cost_amount": "many"}, "cost_amount"),
        ({"cost_currency": "DOGE"}, "cost_currency"),
        ({"area": "nowhere"}, "area"),
        ({"urgency": 6}, "urgency"),
        ({"title": "  "}, "title"),
    ],
)
def test_need_update_refuses_bad_input_and_changes_nothing(
    users: dict[str, Any], green_need: Need, change: dict[str, Any], field: str
):
    before = _snapshot(green_need, NEED_FIELDS)
    with pytest.raises(ServiceError) as refused:
        # The valid title comes first: nothing may be written before the bad field is seen.
        services.need_update(
            actor=users["focal_point"], need=green_need, **{"title": "New", **change}
        )
    assert refused.value.field == field and refused.value.message
    assert _snapshot(green_need, NEED_FIELDS) == before
    assert not _audited("need_update", green_need)


def test_only_the_plans_editors_edit(
    users: dict[str, Any], green_need: Need, action: Action, risk: Risk
):
    for who in ("coordinator", "donor", "outsider"):
        with pytest.raises(ServiceError):
            services.need_update(actor=users[who], need=green_need, title="x")
        with pytest.raises(ServiceError):
            services.risk_update(
                actor=users[who], risk=risk, likelihood=5, impact=5, mitigation="", review_on=None
            )
    assert Need.objects.get(pk=green_need.pk).title != "x"
    assert Risk.objects.get(pk=risk.pk).likelihood == 2


def test_sustainability_profile_rescored_versioned_audited(users: dict[str, Any], action: Action):
    fp = users["focal_point"]
    assert action.drive_by_training
    version = action.version
    profile: dict[str, Any] = {
        "delivery": "recurring_programme",
        "is_training": True,
        "train_the_trainer": True,
        "curriculum_integration": True,
        "local_ownership": True,
        "post_donor_funding": True,
    }
    services.action_set_sustainability(actor=fp, action=action, expected_version=version, **profile)
    stored = Action.objects.get(pk=action.pk)
    assert not stored.drive_by_training and stored.sustainability_score > 65
    assert stored.version == version + 1
    assert _audited("action_set_sustainability", action)
    with pytest.raises(Conflict):
        services.action_set_sustainability(
            actor=fp,
            action=stored,
            expected_version=version,
            **{**profile, "delivery": "one_off_event"},
        )
    assert Action.objects.get(pk=action.pk).delivery == "recurring_programme"
    with pytest.raises(ServiceError, match="delivery"):
        services.action_set_sustainability(
            actor=fp, action=stored, **{**profile, "delivery": "sometimes"}
        )


def test_risk_update_owner_versioned_audited(users: dict[str, Any], risk: Risk):
    fp = users["focal_point"]
    version = risk.version
    services.risk_update(
        actor=fp,
        risk=risk,
        likelihood=4,
        impact=5,
        risk_owner="Permanent Secretary",
        mitigation="Brief the cabinet",
        review_on=None,
        expected_version=version,
    )
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.score, stored.risk_owner, stored.version) == (
        20,
        "Permanent Secretary",
        version + 1,
    )
    assert _audited("risk_update", risk)
    for likelihood in (0, 6):
        with pytest.raises(ServiceError) as refused:
            services.risk_update(
                actor=fp,
                risk=stored,
                likelihood=likelihood,
                impact=1,
                mitigation="",
                review_on=None,
            )
        assert refused.value.field == "likelihood"
    with pytest.raises(Conflict):
        services.risk_update(
            actor=fp,
            risk=stored,
            likelihood=1,
            impact=1,
            mitigation="",
            review_on=None,
            expected_version=version,
        )
    assert Risk.objects.get(pk=risk.pk).score == 20


# --- a need from a gap: readable texts, a cost before it is published -------------------------


def test_gap_texts_come_from_the_framework_in_the_readers_language():
    from pathlib import Path

    fw = formats.load(Path(formats.__file__).parent / "examples" / "staged-example.json")
    title, description = services.gap_texts(
        framework=fw, factor="P.1", aspect="P.1.b", missing=["P.1.b.2.1"], language="en"
    ) or ("", "")
    assert title == "National strategy: Review"
    assert "A date for the first review of the strategy has been set. (P.1.b.2.1)" in description
    title_fr, _ = services.gap_texts(
        framework=fw, factor="P.1", aspect="P.1.b", missing=[], language="fr-ca"
    ) or ("", "")
    assert title_fr == "National strategy: Revue"  # the framework's own translation
    # A factor without aspects is named alone; an unknown one gives no text.
    direct = services.gap_texts(framework=fw, factor="S.1", aspect="S.1", missing=[], language="en")
    assert direct is not None and direct[0] == "Reporting mechanisms"
    assert (
        services.gap_texts(framework=fw, factor="Z", aspect="", missing=[], language="en") is None
    )


def test_gap_need_is_readable_and_a_draft_until_it_has_a_cost(users: dict[str, Any], gd_plan: Plan):
    from reef.assessments.tests.helpers import example_framework

    fp, donor = users["focal_point"], users["donor"]
    fp.language = "fr"
    fp.save(update_fields=["language"])
    framework = example_framework("staged")
    notification_preference_set(actor=donor, delivery="immediate", need_areas=["public-awareness"])
    need = services.need_create_from_gap(
        actor=fp,
        country=Country.objects.get(code="GD"),
        gap={"factor_key": "P.1", "aspect_key": "P.1.b", "missing": ["P.1.b.2.1"]},
        framework=framework.slug,
        assessment_id=None,
        area="public-awareness",
    )
    assert need.title == "National strategy: Revue"  # in the creator's language
    assert "A date for the first review" in need.description
    assert "Close the gap" not in need.title
    # No cost: a draft, announced to nobody, not on the donor's funding desk.
    assert need.published_at is None
    assert not Notification.objects.filter(kind="planning.need_published").exists()
    assert need not in unfunded_needs(donor)
    with pytest.raises(ServiceError) as refused:
        services.need_publish(actor=fp, need=need)
    assert refused.value.code == "cost_required" and refused.value.field == "cost_amount"
    assert Need.objects.get(pk=need.pk).published_at is None
    need = services.need_update(actor=fp, need=need, cost_amount="40000")
    with pytest.raises(ServiceError, match="editors"):
        services.need_publish(actor=users["coordinator"], need=need)
    services.need_publish(actor=fp, need=need, expected_version=need.version)
    assert Need.objects.get(pk=need.pk).published_at is not None
    assert _audited("need_publish", need)
    assert Notification.objects.filter(
        kind="planning.need_published", recipient=donor, subject_id=need.pk
    ).exists()
    assert need in unfunded_needs(donor)
    with pytest.raises(ServiceError, match="already published"):
        services.need_publish(actor=fp, need=need)


def test_a_need_entered_with_a_cost_is_published_at_once(users: dict[str, Any], green_need: Need):
    assert green_need.published_at is not None
    entry = AuditEntry.objects.get(action="need_create", object_id=str(green_need.pk))
    assert entry.detail["published"] is True


# --- pages -----------------------------------------------------------------------------


def test_need_page_shows_edit_and_cost_prompt_only_to_editors(
    users: dict[str, Any], clients: dict[str, Any], gd_plan: Plan
):
    draft = services.need_create(
        actor=DEMO, plan=gd_plan, area="public-awareness", title="Awareness campaign"
    )
    url = reverse("planning:need_detail", args=[draft.pk])
    edit = reverse("planning:need_edit", args=[draft.pk])
    page = clients["focal_point"].get(url).content.decode()
    assert edit in page and "Estimate its cost before publishing it" in page
    assert "Publish to donors" not in page  # no cost: nothing to publish yet
    other = clients["coordinator"].get(url)
    assert other.status_code == 200
    assert edit not in other.content.decode()
    assert "Estimate its cost" not in other.content.decode()
    services.need_update(actor=DEMO, need=draft, cost_amount="100")
    assert "Publish to donors" in clients["focal_point"].get(url).content.decode()


def _need_form(need: Need, **change: Any) -> dict[str, Any]:
    data = {
        "title": need.title,
        "description": need.description,
        "area": need.area.key,
        "cost_amount": str(need.cost_amount or ""),
        "cost_currency": need.cost_currency,
        "impact": need.impact,
        "urgency": need.urgency,
        "feasibility": need.feasibility,
        "cost_rating": need.cost_rating,
        "version": need.version,
    }
    data.update(change)
    return data


def test_need_edit_page(users: dict[str, Any], clients: dict[str, Any], green_need: Need):
    fp = clients["focal_point"]
    url = reverse("planning:need_edit", args=[green_need.pk])
    assert fp.get(url).status_code == 200
    before = _snapshot(green_need, NEED_FIELDS)
    for bad in ({"cost_amount": "-1"}, {"cost_currency": "DOGE"}, {"impact": 9}):
        response = fp.post(url, _need_form(green_need, **bad))
        assert response.status_code == 400, bad
        assert _snapshot(green_need, NEED_FIELDS) == before
    response = fp.post(url, _need_form(green_need, title="Edited", cost_amount="1234.50"))
    assert response.status_code == 302
    stored = Need.objects.get(pk=green_need.pk)
    assert (stored.title, stored.cost_amount) == ("Edited", Decimal("1234.50"))
    assert _audited("need_update", green_need)
    # The same form again (its version is now stale): the conflict page, nothing saved.
    stale = fp.post(url, _need_form(green_need, title="Mine"))
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else changed this record" in html and "Mine" in html and "Edited" in html
    assert f'name="version" value="{stored.version}"' in html
    assert Need.objects.get(pk=green_need.pk).title == "Edited"


def test_publish_page_refuses_without_cost(
    users: dict[str, Any], clients: dict[str, Any], gd_plan: Plan
):
    draft = services.need_create(
        actor=DEMO, plan=gd_plan, area="public-awareness", title="Awareness campaign"
    )
    url = reverse("planning:need_publish", args=[draft.pk])
    response = clients["focal_point"].post(url, {"version": draft.version}, follow=True)
    assert "Estimate the need" in response.content.decode()
    assert Need.objects.get(pk=draft.pk).published_at is None
    assert clients["coordinator"].post(url, {"version": draft.version}).status_code == 403


def test_sustainability_page(users: dict[str, Any], clients: dict[str, Any], action: Action):
    fp = clients["focal_point"]
    detail = reverse("planning:action_detail", args=[action.pk])
    url = reverse("planning:action_sustainability", args=[action.pk])
    assert url in fp.get(detail).content.decode()
    assert url not in clients["coordinator"].get(detail).content.decode()
    page = fp.get(url)
    assert page.status_code == 200 and "/100" in page.content.decode()
    data = {
        "delivery": "recurring_programme",
        "is_training": "on",
        "train_the_trainer": "on",
        "local_ownership": "on",
        "version": action.version,
    }
    response = fp.post(url, data, follow=True)
    stored = Action.objects.get(pk=action.pk)
    assert not stored.drive_by_training
    assert f"score {stored.sustainability_score}/100" in response.content.decode()
    stale = fp.post(url, {**data, "curriculum_integration": "on"})
    assert stale.status_code == 409
    assert not Action.objects.get(pk=action.pk).curriculum_integration
    assert (
        fp.post(url, {**data, "delivery": "sometimes", "version": stored.version}).status_code
        == 400
    )


def test_risk_edit_page(users: dict[str, Any], clients: dict[str, Any], risk: Risk):
    fp = clients["focal_point"]
    register = reverse("planning:plan_risks", args=[risk.plan_id])
    url = reverse("planning:risk_edit", args=[risk.pk])
    assert url in fp.get(register).content.decode()
    assert url not in clients["coordinator"].get(register).content.decode()
    data = {
        "likelihood": 3,
        "impact": 4,
        "risk_owner": "Ministry of Finance",
        "mitigation": "Multi-year budget line",
        "review_on": "2027-01-31",
        "version": risk.version,
    }
    assert fp.post(url, {**data, "likelihood": 7}).status_code == 400
    assert Risk.objects.get(pk=risk.pk).likelihood == 2
    assert fp.post(url, data).status_code == 302
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.score, stored.risk_owner) == (12, "Ministry of Finance")
    stale = fp.post(url, {**data, "risk_owner": "Someone else"})
    assert stale.status_code == 409
    assert Risk.objects.get(pk=risk.pk).risk_owner == "Ministry of Finance"


# --- API -------------------------------------------------------------------------------


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
    before = _snapshot(amber_need, NEED_FIELDS)
    for bad, field in (
        ({"cost_amount": "-1"}, "cost_amount"),
        ({"cost_currency": "DOGE"}, "cost_currency"),
        ({"impact": 0}, "impact"),
    ):
        response = fp.patch(url, bad, content_type=JSON, HTTP_IF_MATCH=etag)
        assert response.status_code == 400, bad
        assert response.json()["field"] == field
    assert _snapshot(amber_need, NEED_FIELDS) == before
    ok = fp.patch(url, body, content_type=JSON, HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
    assert ok.json()["cost_amount"] in {"5000.00", 5000}
    assert ok["ETag"] != etag and ok["ETag"] == etag_for(Need.objects.get(pk=amber_need.pk))
    stale = fp.patch(url, {"title": "Stale"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Need.objects.get(pk=amber_need.pk).title == amber_need.title
    assert _audited("need_update", amber_need)


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
    assert _audited("risk_update", risk)


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
