"""Planning's rules: for each rule a persona who may and one who may not; system actors;
separation of duties on commitments (issue 13, item 10)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reef.accounts.models import Membership
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.roles import Role
from reef.core.rules import DEMO, OPERATOR_IMPORT, RULES, allowed
from reef.directory.models import Country, Grouping, Organisation
from reef.planning import rules, services
from reef.planning.models import Action, Commitment, Need, Plan
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(green_need: Need, users: dict[str, Any], oas: Organisation) -> Action:
    return services.action_create(
        actor=users["focal_point"],
        need=green_need,
        title="Train incident handlers",
        start=date(2026, 3, 1),
        end=date(2026, 9, 30),
        lead_organisation=oas,
    )


@pytest.fixture
def commitment(green_need: Need, users: dict[str, Any], oas: Organisation) -> Commitment:
    return services.commitment_offer(
        actor=users["donor"], need=green_need, organisation=oas, amount="1000"
    )


def test_every_planning_write_has_a_rule() -> None:
    names = {n for n in RULES if n.startswith("planning.")}
    assert {
        "planning.plan_create",
        "planning.plan_import",
        "planning.area_create",
        "planning.need_create",
        "planning.need_edit",
        "planning.plan_prioritise",
        "planning.plan_weights",
        "planning.priorities_reorder",
        "planning.priorities_confirm",
        "planning.action_create",
        "planning.action_report",
        "planning.action_sustainability",
        "planning.milestone_create",
        "planning.milestone_complete",
        "planning.risk_create",
        "planning.risk_edit",
        "planning.commitment_offer",
        "planning.commitment_accept",
        "planning.commitment_start",
        "planning.commitment_deliver",
        "planning.commitment_verify",
        "planning.commitment_withdraw",
        "planning.twinning_link",
    } <= names


def test_plan_rules_permitted_and_refused(
    users: dict[str, Any], gd_plan: Plan, green_need: Need, action: Action
) -> None:
    fp, outsider, donor, coord = (
        users["focal_point"],
        users["outsider"],
        users["donor"],
        users["coordinator"],
    )
    gd = Country.objects.get(code="GD")
    national = Plan(kind=Plan.Kind.NATIONAL, country=gd)
    cases = [
        (rules.may_create_plan, national),
        (rules.may_import_plan, gd),
        (rules.may_create_need, gd_plan),
        (rules.may_edit_need, green_need),
        (rules.may_prioritise, gd_plan),
        (rules.may_set_weights, gd_plan),
        (rules.may_reorder, gd_plan),
        (rules.may_confirm_priorities, gd_plan),
        (rules.may_create_action, green_need),
        (rules.may_set_sustainability, action),
        (rules.may_create_risk, gd_plan),
    ]
    for rule, obj in cases:
        assert allowed(rule, fp, obj), rule.name
        assert not allowed(rule, outsider, obj), rule.name
        assert not allowed(rule, donor, obj), rule.name
        assert not allowed(rule, None, obj), rule.name
        assert allowed(rule, DEMO, obj), rule.name
    # The lead organisation reports on its action; the outsider does not.
    for rule in (rules.may_report_action, rules.may_create_milestone):
        assert allowed(rule, donor, action) and not allowed(rule, outsider, action)
    assert allowed(rules.may_create_area, coord) and not allowed(rules.may_create_area, fp)
    milestone = services.milestone_create(
        actor=fp, action=action, title="Handlers certified", due=date(2026, 6, 1)
    )
    assert allowed(rules.may_complete_milestone, donor, milestone)
    assert not allowed(rules.may_complete_milestone, outsider, milestone)
    with pytest.raises(PermissionDenied):
        services.milestone_complete(actor=outsider, milestone=milestone, done_on=date(2026, 5, 1))
    risk = services.risk_create(
        actor=fp,
        plan=gd_plan,
        category="change_of_government",
        description="x",
        likelihood=2,
        impact=2,
    )
    assert allowed(rules.may_edit_risk, fp, risk)
    assert not allowed(rules.may_edit_risk, donor, risk)
    # A regional plan: coordinators of the grouping who edit for the organisation.
    regional = Plan(
        kind=Plan.Kind.REGIONAL,
        organisation=Organisation.objects.get(slug="oas"),
        grouping=Grouping.objects.get(slug="caricom"),
    )
    assert not allowed(rules.may_create_plan, fp, regional)
    assert allowed(rules.may_create_plan, OPERATOR_IMPORT, regional)


def test_services_refuse_and_hide(users: dict[str, Any], gd_plan: Plan, green_need: Need) -> None:
    # The outsider reads the GREEN plan (community) but may not write to it: 403.
    with pytest.raises(PermissionDenied):
        services.need_create(
            actor=users["outsider"], plan=gd_plan, area="incident-response", title="x"
        )
    amber = services.need_create(
        actor=users["focal_point"],
        plan=gd_plan,
        area="incident-response",
        title="Amber need",
        tlp="TLP:AMBER",
    )
    # An AMBER need the outsider may not see does not exist for them: 404, nothing written.
    with pytest.raises(ServiceError) as hidden:
        services.commitment_offer(
            actor=users["outsider"],
            need=amber,
            organisation=Organisation.objects.get(slug="oas"),
            amount="10",
        )
    assert hidden.value.code == "not_found"
    assert not amber.commitments.exists()


def _both_sides() -> Any:
    """One account that manages Grenada and edits for the OAS."""
    user = make_user()
    Membership.objects.create(user=user, role=Role.MANAGER, country=Country.objects.get(code="GD"))
    Membership.objects.create(
        user=user, role=Role.EDITOR, organisation=Organisation.objects.get(slug="oas")
    )
    return user


def test_one_account_cannot_act_on_both_sides_of_a_commitment(
    users: dict[str, Any], green_need: Need, oas: Organisation
) -> None:
    both = _both_sides()
    offered = services.commitment_offer(actor=both, need=green_need, organisation=oas, amount="5")
    assert offered.offered_by == both
    assert services.commitment_next_steps(both, offered) == ["withdrawn"]
    with pytest.raises(PermissionDenied, match="may not also accept or verify"):
        services.commitment_transition(actor=both, commitment=offered, to="accepted")
    offered.refresh_from_db()
    assert offered.status == "offered" and offered.accepted_by is None
    # The state's focal point accepts; then the dual account delivers for the OAS...
    services.commitment_transition(actor=users["focal_point"], commitment=offered, to="accepted")
    services.commitment_transition(actor=both, commitment=offered, to="in_progress")
    services.commitment_transition(actor=both, commitment=offered, to="delivered")
    assert offered.delivered_by == both and offered.started_by == both
    # ... and may not verify its own delivery; the focal point may.
    assert "verified" not in services.commitment_next_steps(both, offered)
    with pytest.raises(PermissionDenied):
        services.commitment_transition(actor=both, commitment=offered, to="verified")
    services.commitment_transition(actor=users["focal_point"], commitment=offered, to="verified")
    assert offered.verified_by == users["focal_point"]


def test_who_accepted_for_the_state_may_not_deliver(
    users: dict[str, Any], green_need: Need, oas: Organisation
) -> None:
    both = _both_sides()
    pledge = services.commitment_offer(
        actor=users["donor"], need=green_need, organisation=oas, amount="5"
    )
    services.commitment_transition(actor=both, commitment=pledge, to="accepted")
    assert pledge.accepted_by == both
    assert services.commitment_next_steps(both, pledge) == ["withdrawn"]
    with pytest.raises(PermissionDenied, match="may not also act for the pledging"):
        services.commitment_transition(actor=both, commitment=pledge, to="in_progress")
    services.commitment_transition(actor=users["donor"], commitment=pledge, to="in_progress")
    assert pledge.status == "in_progress"


def test_commitment_rules_permitted_and_refused(
    users: dict[str, Any], commitment: Commitment
) -> None:
    fp, donor, outsider = users["focal_point"], users["donor"], users["outsider"]
    assert allowed(rules.may_accept, fp, commitment)
    assert not allowed(rules.may_accept, donor, commitment)
    assert allowed(rules.may_withdraw, donor, commitment)
    assert not allowed(rules.may_withdraw, outsider, commitment)
    assert allowed(rules.may_accept, DEMO, commitment)
    services.commitment_transition(actor=fp, commitment=commitment, to="accepted")
    assert allowed(rules.may_start, donor, commitment)
    assert not allowed(rules.may_start, fp, commitment)
    services.commitment_transition(actor=donor, commitment=commitment, to="in_progress")
    assert allowed(rules.may_deliver, donor, commitment)
    assert not allowed(rules.may_deliver, outsider, commitment)
    services.commitment_transition(actor=donor, commitment=commitment, to="delivered")
    assert allowed(rules.may_verify, fp, commitment)
    assert not allowed(rules.may_verify, donor, commitment)
    assert not allowed(
        rules.may_offer,
        outsider,
        Commitment(need=commitment.need, organisation=commitment.organisation),
    )
    assert allowed(
        rules.may_offer,
        donor,
        Commitment(need=commitment.need, organisation=commitment.organisation),
    )


def test_commitment_page_shows_only_allowed_steps(
    users: dict[str, Any], clients: dict[str, Any], commitment: Commitment
) -> None:
    url = f"/planning/commitments/{commitment.pk}/"
    fp_page = clients["focal_point"].get(url).content.decode()
    assert 'value="accepted"' in fp_page
    donor_page = clients["donor"].get(url).content.decode()
    assert 'value="accepted"' not in donor_page and 'value="withdrawn"' in donor_page


def test_twinning_rule(users: dict[str, Any]) -> None:
    oas = Organisation.objects.get(slug="oas")
    itu = Organisation.objects.get(slug="itu")
    gd = Country.objects.get(code="GD")
    pair = rules.EffortPair(oas.pk, itu.pk, gd.pk)
    assert allowed(rules.may_link, users["donor"], pair)
    assert allowed(rules.may_link, users["focal_point"], pair)
    assert allowed(rules.may_link, users["coordinator"], pair)
    assert not allowed(rules.may_link, users["outsider"], pair)
    assert not allowed(rules.may_link, users["public"], pair)


def test_plan_pages_show_actions_only_when_the_rules_allow(
    clients: dict[str, Any], gd_plan: Plan, green_need: Need
) -> None:
    priorities = f"/planning/plans/{gd_plan.pk}/priorities/"
    fp = clients["focal_point"].get(priorities).content.decode()
    assert "Confirm these priorities" in fp and "Order by weighted score" in fp
    for name in ("coordinator", "donor"):
        page = clients[name].get(priorities)
        assert page.status_code == 200, name
        text = page.content.decode()
        assert "Confirm these priorities" not in text and "Order by weighted score" not in text
    detail = f"/planning/plans/{gd_plan.pk}/"
    assert "Add a need" in clients["focal_point"].get(detail).content.decode()
    assert "Add a need" not in clients["donor"].get(detail).content.decode()
    need = f"/planning/needs/{green_need.pk}/"
    assert "Rate this need" in clients["focal_point"].get(need).content.decode()
    donor_need = clients["donor"].get(need).content.decode()
    assert "Rate this need" not in donor_need and "Offer support" in donor_need
