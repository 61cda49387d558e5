"""Needs, actions' sustainability profiles and risks are editable (issue 14): the services,
versioned (a stale version changes nothing) and audited. Their pages are in
test_edit_pages.py, their API in test_edit_api.py, needs from a gap in test_gap_needs.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reef.core.errors import Conflict, ServiceError
from reef.core.models import AuditEntry
from reef.planning import services
from reef.planning.models import Action, Need, Risk
from reef.planning.tests.edit_checks import NEED_FIELDS, audited, snapshot

pytestmark = pytest.mark.django_db


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
    before = snapshot(need, NEED_FIELDS)
    with pytest.raises(Conflict):
        services.need_update(actor=fp, need=need, title="Stale", expected_version=version)
    assert snapshot(need, NEED_FIELDS) == before


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
    before = snapshot(green_need, NEED_FIELDS)
    with pytest.raises(ServiceError) as refused:
        # The valid title comes first: nothing may be written before the bad field is seen.
        services.need_update(
            actor=users["focal_point"], need=green_need, **{"title": "New", **change}
        )
    assert refused.value.field == field and refused.value.message
    assert snapshot(green_need, NEED_FIELDS) == before
    assert not audited("need_update", green_need)


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


def test_sustainability_profile_rescored_versionedaudited(users: dict[str, Any], action: Action):
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
    assert audited("action_set_sustainability", action)
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


def test_risk_update_owner_versionedaudited(users: dict[str, Any], risk: Risk):
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
    assert audited("risk_update", risk)
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
