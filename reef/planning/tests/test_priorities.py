"""Prioritisation: weighted scores, the focal point's reorder and confirmation, history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from reef.core.errors import PermissionDenied, ServiceError
from reef.planning import services
from reef.planning.models import Need, Plan, PriorityChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(users: dict[str, Any], gd_plan: Plan) -> list[Need]:
    fp = users["focal_point"]
    return [
        services.need_create(
            actor=fp,
            plan=gd_plan,
            area="public-awareness",
            title="Awareness",
            impact=2,
            urgency=2,
            feasibility=5,
            cost_rating=1,
        ),
        services.need_create(
            actor=fp,
            plan=gd_plan,
            area="incident-response",
            title="CSIRT",
            impact=5,
            urgency=5,
            feasibility=3,
            cost_rating=4,
        ),
        services.need_create(
            actor=fp,
            plan=gd_plan,
            area="legal-environment",
            title="Law",
            impact=4,
            urgency=3,
            feasibility=4,
            cost_rating=2,
        ),
    ]


def order(plan: Plan) -> list[str]:
    return list(plan.needs.order_by("position").values_list("title", flat=True))


def test_score_order_reorder_confirm_history(
    users: dict[str, Any], gd_plan: Plan, three: list[Need]
):
    fp = users["focal_point"]
    assert order(gd_plan) == ["Awareness", "CSIRT", "Law"]  # order of entry
    scored = services.plan_prioritise(actor=fp, plan=gd_plan, reason="first ranking")
    assert order(gd_plan) == ["CSIRT", "Law", "Awareness"]
    assert scored.kind == "scored" and scored.actor == fp
    assert {m["kind"] for m in scored.moves} == {"up", "down"}

    law = three[2]
    moved = services.need_move(
        actor=fp,
        need=law,
        to_position=1,
        reason="The Electronic Crimes Act review is due this year",
    )
    assert order(gd_plan) == ["Law", "CSIRT", "Awareness"]
    assert moved.reason.startswith("The Electronic Crimes Act")
    assert moved.moves == [
        {"need": str(law.pk), "kind": "up", "from": 2, "to": 1},
        {"need": str(three[1].pk), "kind": "down", "from": 1, "to": 2},
    ]
    confirmed = services.plan_confirm_priorities(actor=fp, plan=gd_plan, reason="agreed")
    gd_plan.refresh_from_db()
    assert gd_plan.priorities_confirmed_by == fp and gd_plan.priorities_confirmed_at
    assert confirmed.after == [str(law.pk), str(three[1].pk), str(three[0].pk)]
    kinds = list(
        PriorityChange.objects.filter(plan=gd_plan)
        .order_by("id")
        .values_list("kind", "actor_label")
    )
    assert kinds == [("scored", fp.email), ("reordered", fp.email), ("confirmed", fp.email)]

    # A later reorder withdraws the confirmation until the state confirms again.
    services.plan_reorder(
        actor=fp,
        plan=gd_plan,
        order=[three[1].pk, law.pk, three[0].pk],
        reason="CSIRT first after the incident",
    )
    gd_plan.refresh_from_db()
    assert gd_plan.priorities_confirmed_at is None


def test_only_the_focal_point_reorders_and_confirms(
    users: dict[str, Any], gd_plan: Plan, three: list[Need]
):
    before = order(gd_plan)
    for who in ("coordinator", "donor", "outsider"):
        with pytest.raises(PermissionDenied):
            services.plan_confirm_priorities(actor=users[who], plan=gd_plan)
        with pytest.raises(PermissionDenied):
            services.need_move(actor=users[who], need=three[2], to_position=1, reason="x")
    with pytest.raises(ServiceError) as info:  # not in the community: the plan is hidden
        services.plan_confirm_priorities(actor=users["public"], plan=gd_plan)
    assert info.value.code == "not_found"
    assert order(gd_plan) == before
    assert not PriorityChange.objects.filter(plan=gd_plan).exists()


def test_reorder_needs_a_reason_and_a_complete_order(
    users: dict[str, Any], gd_plan: Plan, three: list[Need]
):
    fp = users["focal_point"]
    ids = [n.pk for n in three]
    with pytest.raises(ServiceError, match="reason"):
        services.plan_reorder(actor=fp, plan=gd_plan, order=ids[::-1], reason="  ")
    with pytest.raises(ServiceError, match="exactly once"):
        services.plan_reorder(actor=fp, plan=gd_plan, order=ids[:2], reason="why")
    with pytest.raises(ServiceError, match="exactly once"):
        services.plan_reorder(actor=fp, plan=gd_plan, order=[ids[0], ids[0], ids[1]], reason="why")
    with pytest.raises(ServiceError, match="not changed"):
        services.plan_reorder(actor=fp, plan=gd_plan, order=ids, reason="why")
    with pytest.raises(ServiceError, match="between 1 and 3"):
        services.need_move(actor=fp, need=three[0], to_position=4, reason="why")
    assert not PriorityChange.objects.filter(plan=gd_plan).exists()


def test_weights_are_configurable_per_plan(users: dict[str, Any], gd_plan: Plan, three: list[Need]):
    fp = users["focal_point"]
    # Feasibility only: the easiest need first.
    services.plan_set_weights(
        actor=fp, plan=gd_plan, weights={"impact": 0, "urgency": 0, "feasibility": 1, "cost": 0}
    )
    services.plan_prioritise(actor=fp, plan=gd_plan)
    assert order(gd_plan)[0] == "Awareness"
    with pytest.raises(ServiceError, match="weights"):
        services.plan_set_weights(
            actor=fp, plan=gd_plan, weights={"impact": 0, "urgency": 0, "feasibility": 0, "cost": 0}
        )
    with pytest.raises(ServiceError, match="weights"):
        services.plan_set_weights(actor=fp, plan=gd_plan, weights={"impact": 1})
    with pytest.raises(PermissionDenied):
        services.plan_set_weights(
            actor=users["coordinator"],
            plan=gd_plan,
            weights={"impact": 1, "urgency": 1, "feasibility": 1, "cost": 1},
        )


def test_priorities_page_and_api(
    users: dict[str, Any], clients: dict[str, Any], gd_plan: Plan, three: list[Need]
):
    page = clients["focal_point"].get(f"/planning/plans/{gd_plan.pk}/priorities/")
    assert page.status_code == 200 and b"Confirm these priorities" in page.content
    other = clients["coordinator"].get(f"/planning/plans/{gd_plan.pk}/priorities/")
    assert other.status_code == 200 and b"Confirm these priorities" not in other.content
    response = clients["focal_point"].post(
        f"/planning/plans/{gd_plan.pk}/priorities/move/",
        {"need": three[2].pk, "position": 1, "reason": "Law first"},
    )
    assert response.status_code == 302
    assert order(gd_plan)[0] == "Law"
    api = clients["focal_point"].post(
        f"/api/v1/planning/plans/{gd_plan.pk}/priorities/order",
        {"order": [three[0].pk, three[1].pk, three[2].pk], "reason": "back"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()[0]["title"] == "Awareness"
    history = clients["focal_point"].get(f"/planning/plans/{gd_plan.pk}/priorities/")
    assert b"Law first" in history.content and b"back" in history.content


def test_rating_a_need(
    users: dict[str, Any], gd_plan: Plan, three: list[Need], clients: dict[str, Any]
):
    fp = users["focal_point"]
    need = three[0]
    services.need_rate(actor=fp, need=need, impact=5, urgency=5, feasibility=5, cost_rating=1)
    assert need.score == 100
    with pytest.raises(ServiceError, match="1 to 5"):
        services.need_rate(actor=fp, need=need, impact=0, urgency=5, feasibility=5, cost_rating=1)
    with pytest.raises(PermissionDenied):
        services.need_rate(
            actor=users["coordinator"], need=need, impact=1, urgency=1, feasibility=1, cost_rating=5
        )
    need.refresh_from_db()
    assert (need.impact, need.score) == (5, Decimal(100))
    response = clients["focal_point"].post(
        f"/planning/needs/{need.pk}/rate/",
        {"impact": 1, "urgency": 1, "feasibility": 1, "cost_rating": 5},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.score == 0
