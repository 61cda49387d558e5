"""Each workflow step: who may take it, and an illegal step refused with a clear error."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from reef.assessments import selectors, services
from reef.assessments.models import Assessment, Cluster, Decision, Status, Target
from reef.assessments.tests.helpers import build, example_framework, verify_addresses
from reef.core.errors import PermissionDenied, ServiceError
from reef.core.models import AuditEntry
from reef.core.tlp import TLP
from reef.directory.models import Country

pytestmark = pytest.mark.django_db


def test_the_whole_workflow_by_the_right_roles(users: dict[str, Any]) -> None:
    a = build(users, until=Status.COMPLETE)
    a.refresh_from_db()
    assert a.status == Status.COMPLETE
    assert a.tlp == TLP.AMBER and a.owner_country == Country.objects.get(code="GD")
    assert a.lead == users["coordinator"] and a.targets_agreed_by == users["focal_point"]
    actions = set(AuditEntry.objects.filter(object_id=str(a.pk)).values_list("action", flat=True))
    assert {
        "assessment_request",
        "assessment_accept",
        "assessment_assign_team",
        "assessment_close_rating",
        "assessment_finish_consolidation",
        "assessment_agree_targets",
    } <= actions


@pytest.mark.parametrize("who", ["coordinator", "expert", "outsider", "public", "donor"])
def test_only_the_country_focal_point_requests(users: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied, match="focal point"):
        services.assessment_request(
            actor=users[who],
            country=Country.objects.get(code="GD"),
            framework=example_framework(),
            cycle="2026",
        )
    assert not Assessment.objects.exists()


def test_request_needs_a_cycle_and_refuses_a_duplicate(users: dict[str, Any]) -> None:
    fw = example_framework()
    gd = Country.objects.get(code="GD")
    with pytest.raises(ServiceError, match="cycle"):
        services.assessment_request(actor=users["focal_point"], country=gd, framework=fw, cycle=" ")
    services.assessment_request(actor=users["focal_point"], country=gd, framework=fw, cycle="1")
    with pytest.raises(ServiceError, match="already has"):
        services.assessment_request(actor=users["focal_point"], country=gd, framework=fw, cycle="1")
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("who", ["focal_point", "expert", "outsider", "donor"])
def test_only_a_coordinator_of_the_region_accepts(users: dict[str, Any], who: str) -> None:
    a = build(users, until=Status.REQUESTED)
    with pytest.raises(PermissionDenied):
        services.assessment_accept(actor=users[who], assessment=a)
    a.refresh_from_db()
    assert a.status == Status.REQUESTED


def test_steps_out_of_order_are_refused(users: dict[str, Any]) -> None:
    a = build(users, until=Status.REQUESTED)
    with pytest.raises(ServiceError, match="must be 'Accepted' or 'Rating'"):
        services.assessment_assign_team(
            actor=users["coordinator"],
            assessment=a,
            members=[users["expert"]],
            lead=users["expert"],
        )
    services.assessment_accept(actor=users["coordinator"], assessment=a)
    with pytest.raises(ServiceError, match="it must be 'Requested'"):
        services.assessment_accept(actor=users["coordinator"], assessment=a)
    with pytest.raises(ServiceError, match="Cannot agree the targets"):
        services.assessment_agree_targets(actor=users["focal_point"], assessment=a)


def test_team_assignment(users: dict[str, Any]) -> None:
    a = build(users, until=Status.ACCEPTED)
    with pytest.raises(ServiceError, match="lead must be a member"):
        services.assessment_assign_team(
            actor=users["coordinator"], assessment=a, members=[users["expert"]], lead=users["donor"]
        )
    with pytest.raises(PermissionDenied):
        services.assessment_assign_team(
            actor=users["focal_point"],
            assessment=a,
            members=[users["expert"]],
            lead=users["expert"],
        )
    services.assessment_assign_team(
        actor=users["coordinator"],
        assessment=a,
        members=[users["expert"], users["donor"]],
        lead=users["expert"],
        roles={users["donor"].pk: "criminal_justice"},
    )
    a.refresh_from_db()
    assert a.status == Status.RATING and set(a.team.all()) == {users["expert"], users["donor"]}
    # Team members see the assessment through `extra_access`, whatever their roles.
    assert selectors.assessments_for(users["donor"]).filter(pk=a.pk).exists()
    assert not selectors.assessments_for(users["public"]).filter(pk=a.pk).exists()


def test_rating_only_by_the_team_and_only_while_rating(users: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    for who in ("focal_point", "outsider"):
        with pytest.raises(PermissionDenied, match="team"):
            services.rating_submit(
                actor=users[who], assessment=a, indicator="P.1.a.2.1", value="met"
            )
    with pytest.raises(ServiceError, match="Unknown indicator"):
        services.rating_submit(actor=users["expert"], assessment=a, indicator="X.9", value="met")
    with pytest.raises(ServiceError, match="not 'maybe'"):
        services.rating_submit(
            actor=users["expert"], assessment=a, indicator="P.1.a.2.1", value="maybe"
        )
    with pytest.raises(ServiceError, match="http"):
        services.rating_submit(
            actor=users["expert"],
            assessment=a,
            indicator="P.1.a.2.1",
            value="met",
            evidence_link="javascript:alert(1)",
        )
    first = services.rating_submit(
        actor=users["expert"], assessment=a, indicator="P.1.a.2.1", value="met"
    )
    again = services.rating_submit(
        actor=users["expert"],
        assessment=a,
        indicator="P.1.a.2.1",
        value="partial",
        evidence_text="Only a draft mandate.",
    )
    assert first.pk == again.pk and again.value == "partial" and again.version == 2
    assert again.tlp == TLP.AMBER_STRICT and again.owner_country_id == a.country_id
    with pytest.raises(PermissionDenied, match="lead"):
        services.assessment_close_rating(actor=users["expert"], assessment=a)
    services.assessment_close_rating(actor=users["coordinator"], assessment=a)
    with pytest.raises(ServiceError, match="Cannot rate"):
        services.rating_submit(
            actor=users["expert"], assessment=a, indicator="P.1.a.2.1", value="met"
        )


def test_close_rating_needs_some_ratings(users: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    with pytest.raises(ServiceError, match="Nobody has rated"):
        services.assessment_close_rating(actor=users["coordinator"], assessment=a)


def test_consolidation_decisions_override_disputes(users: dict[str, Any]) -> None:
    a = build(
        users,
        until=Status.RATING,
        ratings={
            "coordinator": ["met"] * 13,
            "expert": ["not_met"] + ["met"] * 12,
        },
    )
    services.assessment_close_rating(actor=users["coordinator"], assessment=a)
    assert selectors.assessment_result(a).disputed == ("P.1.a.2.1",)
    with pytest.raises(ServiceError, match=r"1 indicator is still disputed: P\.1\.a\.2\.1"):
        services.assessment_finish_consolidation(actor=users["coordinator"], assessment=a)
    with pytest.raises(PermissionDenied):
        services.decision_record(
            actor=users["expert"], assessment=a, indicator="P.1.a.2.1", value="met", note="x"
        )
    with pytest.raises(ServiceError, match="note"):
        services.decision_record(
            actor=users["coordinator"], assessment=a, indicator="P.1.a.2.1", value="met", note="  "
        )
    assert not Decision.objects.exists()
    d = services.decision_record(
        actor=users["coordinator"],
        assessment=a,
        indicator="P.1.a.2.1",
        value="partial",
        note="Mandate exists in draft only.",
        dissent=[str(users["expert"])],
    )
    assert d.dissent == [str(users["expert"])] and d.decided_by == users["coordinator"]
    result = selectors.assessment_result(a)
    assert result.disputed == () and result.values["P.1.a.2.1"] == "partial"
    services.assessment_finish_consolidation(actor=users["coordinator"], assessment=a)
    with pytest.raises(ServiceError, match="Cannot record a decision"):
        services.decision_record(
            actor=users["coordinator"],
            assessment=a,
            indicator="P.1.a.2.1",
            value="met",
            note="late",
        )


def test_targets_are_set_by_lead_or_focal_point_and_agreed_by_the_country(
    users: dict[str, Any],
) -> None:
    a = build(users, until=Status.TARGETS)
    with pytest.raises(PermissionDenied):
        services.target_set(actor=users["expert"], assessment=a, targets={"P.1.a": 3})
    with pytest.raises(ServiceError, match="unknown aspect"):
        services.target_set(actor=users["coordinator"], assessment=a, targets={"Z.9": 3})
    with pytest.raises(ServiceError, match="from 1 to 5"):
        services.target_set(actor=users["coordinator"], assessment=a, targets={"P.1.a": 7})
    assert not Target.objects.exists()
    with pytest.raises(ServiceError, match="at least one target"):
        services.assessment_agree_targets(actor=users["focal_point"], assessment=a)
    services.target_set(actor=users["focal_point"], assessment=a, targets={"P.1.a": 3.0})
    with pytest.raises(PermissionDenied, match="focal point"):
        services.assessment_agree_targets(actor=users["coordinator"], assessment=a)
    services.assessment_agree_targets(actor=users["focal_point"], assessment=a)
    gaps = selectors.assessment_result(a).gaps
    assert [g.key for g in gaps] == ["P.1.a"] and gaps[0].target == 3


def test_sessions(users: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    day = datetime.date(2026, 3, 2)
    s = services.session_record(
        actor=users["expert"],
        assessment=a,
        cluster=Cluster.ACADEMIA,
        held_on=day,
        participants={"academia": 5, "civil_society": 2, "defence": 0},
        notes=" Campus ",
    )
    assert s.participants == {"academia": 5, "civil_society": 2} and s.participant_total == 7
    for bad, match in (
        ({"academia": -1}, "whole number"),
        ({"aliens": 2}, "Unknown sector"),
        ({}, "at least one participant"),
    ):
        with pytest.raises(ServiceError, match=match):
            services.session_record(
                actor=users["expert"],
                assessment=a,
                cluster="academia",
                held_on=day,
                participants=bad,
            )
    with pytest.raises(ServiceError, match="Unknown cluster"):
        services.session_record(
            actor=users["expert"],
            assessment=a,
            cluster="aliens",
            held_on=day,
            participants={"academia": 1},
        )
    with pytest.raises(PermissionDenied):
        services.session_record(
            actor=users["focal_point"],
            assessment=a,
            cluster="academia",
            held_on=day,
            participants={"academia": 1},
        )
    assert a.sessions.count() == 1


def test_reassessment_links_the_previous_cycle_and_compares(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    first = build(users, until=Status.COMPLETE, cycle="2020")
    second = build(
        users,
        until=Status.RATING,
        cycle="2026",
        ratings={
            "coordinator": ["met"] * 13,
            "expert": ["met"] * 13,
        },
    )
    assert second.previous == first
    services.assessment_close_rating(actor=users["coordinator"], assessment=second)
    page = clients["focal_point"].get(f"/assessments/{second.pk}/compare/")
    assert page.status_code == 200
    assert b"From cycle 2020 to cycle 2026" in page.content
    assert page.content.count(b"<svg") == 2  # one chart per dimension
    assert clients["outsider"].get(f"/assessments/{second.pk}/compare/").status_code == 404


def test_views_run_the_workflow(users: dict[str, Any], clients: dict[str, Any]) -> None:
    fw = example_framework()
    focal, coordinator = clients["focal_point"], clients["coordinator"]
    assert focal.get("/assessments/request/").status_code == 200
    response = focal.post(
        "/assessments/request/",
        {"country": "GD", "framework": fw.ref, "cycle": "2027", "title": ""},
    )
    a = Assessment.objects.get(cycle="2027")
    assert response.status_code == 302 and response["Location"] == f"/assessments/{a.pk}/"
    # The focal point may not accept: 403 with the service's reason.
    assert focal.post(f"/assessments/{a.pk}/step/accept/").status_code == 403
    assert coordinator.post(f"/assessments/{a.pk}/step/accept/").status_code == 302
    verify_addresses(users["coordinator"], users["expert"])
    coordinator.post(
        f"/assessments/{a.pk}/team/",
        {
            "members": f"{users['coordinator'].email}, {users['expert'].email}",
            "lead": users["coordinator"].email,
        },
    )
    a.refresh_from_db()
    # Two technical assessors: the CCI rule keeps rating closed, and the page says why.
    assert a.status == Status.ACCEPTED
    page = coordinator.get(f"/assessments/{a.pk}/")
    assert b"criminal-justice assessor" in page.content
    refused = coordinator.post(f"/assessments/{a.pk}/step/open-rating/", follow=True)
    assert b"criminal-justice assessor" in refused.content
    coordinator.post(
        f"/assessments/{a.pk}/team/",
        {
            "members": f"{users['coordinator'].email}\n{users['expert'].email} criminal_justice",
            "lead": users["coordinator"].email,
        },
    )
    a.refresh_from_db()
    assert a.status == Status.RATING
    # An illegal step is refused with a message, and nothing changes.
    response = coordinator.post(f"/assessments/{a.pk}/step/finish-consolidation/", follow=True)
    assert b"Cannot finish consolidation" in response.content
    expert = clients["expert"]
    ind = fw.indicators.get(key="P.1.a.2.1")
    row = expert.post(
        f"/assessments/{a.pk}/rate/{ind.pk}/",
        {f"i{ind.pk}-value": "met", f"i{ind.pk}-evidence_text": "Seen"},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 200 and b'id="i%d"' % ind.pk in row.content
    assert expert.get(f"/assessments/{a.pk}/rate/?group=S.1").status_code == 200
    coordinator.post(
        f"/assessments/{a.pk}/sessions/",
        {"cluster": "government", "held_on": "2027-01-10", "n_government": "4", "notes": "x"},
    )
    assert a.sessions.count() == 1
    coordinator.post(f"/assessments/{a.pk}/step/close-rating/")
    assert coordinator.get(f"/assessments/{a.pk}/consolidation/").status_code == 200
    coordinator.post(f"/assessments/{a.pk}/step/finish-consolidation/")
    coordinator.post(f"/assessments/{a.pk}/targets/", {"target-P.1.a": "3"})
    focal.post(f"/assessments/{a.pk}/step/agree-targets/")
    a.refresh_from_db()
    assert a.status == Status.COMPLETE
    assert focal.get(f"/assessments/{a.pk}/results/").status_code == 200
