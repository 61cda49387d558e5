"""The edit pages of needs, actions' sustainability profiles and risks (issue 14): only
editors see them, bad input and stale versions change nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from reef.core.rules import DEMO
from reef.planning import services
from reef.planning.models import Action, Need, Plan, Risk
from reef.planning.tests.edit_checks import NEED_FIELDS, audited, snapshot

pytestmark = pytest.mark.django_db


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
    before = snapshot(green_need, NEED_FIELDS)
    for bad in ({"cost_amount": "-1"}, {"cost_currency": "DOGE"}, {"impact": 9}):
        response = fp.post(url, _need_form(green_need, **bad))
        assert response.status_code == 400, bad
        assert snapshot(green_need, NEED_FIELDS) == before
    response = fp.post(url, _need_form(green_need, title="Edited", cost_amount="1234.50"))
    assert response.status_code == 302
    stored = Need.objects.get(pk=green_need.pk)
    assert (stored.title, stored.cost_amount) == ("Edited", Decimal("1234.50"))
    assert audited("need_update", green_need)
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
