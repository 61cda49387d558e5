"""Needs (from a gap and by hand), actions and their sustainability, milestones, risks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reef.core.errors import PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.rules import DEMO
from reef.directory.models import Country, Organisation
from reef.planning import services
from reef.planning.models import Action, Area, Need, Plan, Risk

pytestmark = pytest.mark.django_db


def test_the_ccscap_areas_are_shipped(gd_plan: Plan):
    names = list(Area.objects.filter(taxonomy="ccscap").values_list("name", flat=True))
    assert names == [
        "Public Awareness",
        "Building Sustainable Capacity",
        "Technical Standards and Infrastructure",
        "Legal Environment",
        "Regional and International Cooperation",
        "Incident Response",
    ]
    assert services.area_ensure_defaults(actor=DEMO) == 0  # idempotent


def test_area_taxonomy_is_configurable_by_coordinators(users: dict[str, Any]):
    area = services.area_create(
        actor=users["coordinator"], taxonomy="custom", key="skills", name="Skills"
    )
    assert area.taxonomy == "custom"
    with pytest.raises(PermissionDenied):
        services.area_create(actor=users["focal_point"], taxonomy="custom", key="x", name="X")
    with pytest.raises(ServiceError, match="exists"):
        services.area_create(
            actor=users["coordinator"], taxonomy="custom", key="skills", name="Again"
        )


def test_need_from_a_gap_keeps_the_framework_link(users: dict[str, Any], gd_plan: Plan):
    need = services.need_create_from_gap(
        actor=users["focal_point"],
        country=Country.objects.get(code="GD"),
        gap={
            "factor_key": "D4.1",
            "aspect_key": "legislative-framework",
            "missing": ["D4.1.formative.1", "D4.1.established.2"],
            "title": "Cybercrime legislation not applied",
            "summary": "From the report.",
        },
        framework="reef-cmm",
        assessment_id=42,
    )
    assert need.plan == gd_plan  # the country's latest plan
    assert (need.source, need.framework, need.factor_key, need.aspect_key) == (
        "gap",
        "reef-cmm",
        "D4.1",
        "legislative-framework",
    )
    assert need.missing_indicators == ["D4.1.formative.1", "D4.1.established.2"]
    assert need.assessment_ref == 42
    assert need.area.key == "legal-environment"  # guessed from the words, correctable
    assert need.description == "From the report."
    assert AuditEntry.objects.filter(action="need_create", object_id=str(need.pk)).exists()


def test_need_from_a_gap_creates_a_plan_when_none(users: dict[str, Any]):
    dm = Country.objects.get(code="DM")
    need = services.need_create_from_gap(
        actor=DEMO,
        country=dm,
        gap={"factor": "awareness"},
        framework="reef-cmm",
        assessment_id=None,
        area="public-awareness",
    )
    assert need.plan.country == dm and need.area.key == "public-awareness"
    with pytest.raises(ServiceError, match="factor"):
        services.need_create_from_gap(
            actor=DEMO, country=dm, gap={}, framework="x", assessment_id=None
        )
    with pytest.raises(ServiceError, match="list"):
        services.need_create_from_gap(
            actor=DEMO,
            country=dm,
            gap={"factor": "a", "missing": 3},
            framework="x",
            assessment_id=None,
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": " "}, "title is required"),
        ({"area": "nowhere"}, "Unknown area"),
        ({"cost_amount": "abc"}, "must be a number"),
        ({"cost_currency": "ABC"}, "Unknown currency"),
        ({"impact": 6}, "1 to 5"),
        ({"tlp": "TLP:PURPLE"}, "TLP"),
    ],
)
def test_need_validation(
    users: dict[str, Any], gd_plan: Plan, kwargs: dict[str, Any], message: str
):
    base: dict[str, Any] = {"area": "public-awareness", "title": "A need"}
    with pytest.raises(ServiceError, match=message):
        services.need_create(actor=users["focal_point"], plan=gd_plan, **{**base, **kwargs})
    assert not Need.objects.filter(plan=gd_plan).exists()


def test_only_editors_of_the_country_enter_needs(users: dict[str, Any], gd_plan: Plan):
    for who in ("coordinator", "donor", "outsider"):
        with pytest.raises(PermissionDenied):
            services.need_create(actor=users[who], plan=gd_plan, area="public-awareness", title="x")
    assert not Need.objects.filter(plan=gd_plan).exists()


def test_drive_by_training_is_flagged(users: dict[str, Any], green_need: Need):
    fp = users["focal_point"]
    itu = Organisation.objects.get(slug="itu")
    drive_by = services.action_create(
        actor=fp,
        need=green_need,
        title="Two-day workshop",
        lead_organisation=itu,
        start=date(2026, 4, 1),
        end=date(2026, 4, 2),
        delivery="one_off_event",
        is_training=True,
    )
    assert drive_by.drive_by_training and drive_by.sustainability_score == 0
    lasting = services.action_create(
        actor=fp,
        need=green_need,
        title="Course with local trainers",
        lead_organisation=itu,
        start=date(2026, 4, 1),
        end=date(2027, 4, 2),
        is_training=True,
        train_the_trainer=True,
        local_ownership=True,
    )
    assert not lasting.drive_by_training and lasting.sustainability_score == 65
    services.action_set_sustainability(
        actor=fp,
        action=drive_by,
        delivery="one_off_event",
        is_training=True,
        train_the_trainer=False,
        curriculum_integration=True,
        local_ownership=False,
        post_donor_funding=False,
    )
    assert not drive_by.drive_by_training


def test_action_validation_and_progress(users: dict[str, Any], green_need: Need, oas: Organisation):
    fp = users["focal_point"]
    with pytest.raises(ServiceError, match="before the start"):
        services.action_create(
            actor=fp, need=green_need, title="x", start=date(2026, 5, 1), end=date(2026, 4, 1)
        )
    with pytest.raises(ServiceError, match="0 to 100"):
        services.action_create(
            actor=fp,
            need=green_need,
            title="x",
            start=date(2026, 5, 1),
            end=date(2026, 6, 1),
            progress=120,
        )
    assert not Action.objects.exists()
    action = services.action_create(
        actor=fp,
        need=green_need,
        title="CSIRT set-up",
        lead_organisation=oas,
        start=date(2026, 5, 1),
        end=date(2027, 6, 1),
        budget_amount="5000",
    )
    milestone = services.milestone_create(
        actor=fp, action=action, title="Staff hired", due=date(2026, 9, 1)
    )
    # The owner organisation's editors report progress; others may not.
    services.action_report_progress(
        actor=users["donor"], action=action, status="in_progress", progress=40
    )
    services.milestone_complete(
        actor=users["donor"], milestone=milestone, done_on=date(2026, 8, 30)
    )
    with pytest.raises(PermissionDenied):
        services.action_report_progress(
            actor=users["outsider"], action=action, status="completed", progress=100
        )
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)


def test_risk_register(users: dict[str, Any], gd_plan: Plan):
    risk = services.risk_create(
        actor=users["focal_point"],
        plan=gd_plan,
        category="change_of_government",
        description="Elections in 2027",
        likelihood=3,
        impact=5,
        risk_owner="Cabinet office",
        mitigation="Cross-party briefing",
        review_on=date(2026, 12, 1),
    )
    assert (risk.score, risk.level) == (15, "high")
    with pytest.raises(ServiceError, match="1 to 5"):
        services.risk_create(
            actor=users["focal_point"],
            plan=gd_plan,
            category="funding",
            description="x",
            likelihood=0,
            impact=3,
        )
    with pytest.raises(ServiceError, match="category"):
        services.risk_create(
            actor=users["focal_point"],
            plan=gd_plan,
            category="aliens",
            description="x",
            likelihood=1,
            impact=3,
        )
    with pytest.raises(PermissionDenied):
        services.risk_create(
            actor=users["coordinator"],
            plan=gd_plan,
            category="funding",
            description="x",
            likelihood=1,
            impact=3,
        )
    services.risk_update(
        actor=users["focal_point"],
        risk=risk,
        likelihood=2,
        impact=5,
        mitigation="Agreed by all parties",
        review_on=None,
    )
    assert Risk.objects.get(pk=risk.pk).score == 10


def test_plan_creation_rules(users: dict[str, Any], gd_plan: Plan):
    gd = Country.objects.get(code="GD")
    with pytest.raises(ServiceError, match="already has a plan"):
        services.plan_create(
            actor=users["focal_point"], country=gd, title="Again", cycle="2026-2028"
        )
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=users["outsider"], country=gd, title="Not mine", cycle="2030-2032"
        )
    from reef.directory.models import Grouping

    regional = services.plan_create(
        actor=users["coordinator"],
        organisation=Organisation.objects.get(slug="caricom-impacs"),
        grouping=Grouping.objects.get(slug="caricom"),
        title="CCSCAP",
        cycle="2026-2028",
    )
    assert regional.is_regional and regional.owner_organisation is not None
    assert regional.owner_organisation.slug == "caricom-impacs"
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=users["donor"],
            organisation=Organisation.objects.get(slug="oas"),
            grouping=Grouping.objects.get(slug="caricom"),
            title="x",
            cycle="2026-2028",
        )
