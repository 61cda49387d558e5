"""Mission -> assessment team (issue 14): a confirmed mission team becomes the assessment's
team with its roles; the CCI rule keeps rating closed until a technical and a
criminal-justice assessor are on it; every change of the team is kept."""

from __future__ import annotations

from typing import Any

import pytest

from reef.assessments import services
from reef.assessments.models import Assessment, Status, TeamChange, TeamMembership
from reef.assessments.tests.helpers import build
from reef.core.errors import PermissionDenied, ServiceError
from reef.directory.models import Country
from reef.experts import services as expert_services
from reef.experts.models import MissionRequest
from reef.experts.tests.helpers import MISSION_END, MISSION_START, expert
from tests_support.world import make_user

pytestmark = pytest.mark.django_db


def _mission(users: dict[str, Any], a: Assessment | None, roles: dict[str, int]) -> MissionRequest:
    pool = {
        "tech": expert("Tech T.", roles=("technical",), country="TT", user=make_user()),
        "cj": expert(
            "Justice J.", roles=("criminal_justice",), sector="government", user=make_user()
        ),
        "legal": expert("Lex L.", roles=("legal_drafting",), sector="academia", user=make_user()),
        "nascent": expert(
            "Nascent N.", roles=("technical",), seniority="nascent", user=make_user()
        ),
    }
    assert pool
    return expert_services.mission_request_create(
        actor=users["coordinator"],
        title="Assessment mission to GD",
        country=Country.objects.get(code="GD"),
        start=MISSION_START,
        end=MISSION_END,
        required_roles=roles,
        size=3,
        assessment_ref=a.pk if a else 2**31 - 1,
    )


def _confirm(users: dict[str, Any], m: MissionRequest) -> None:
    expert_services.mission_team_propose(actor=users["coordinator"], mission=m)
    expert_services.mission_team_confirm(actor=users["coordinator"], mission=m)


def test_confirmed_mission_team_becomes_the_assessment_team(users: dict[str, Any]) -> None:
    a = build(users, until=Status.ACCEPTED)
    m = _mission(users, a, {"technical": 1, "criminal_justice": 1})
    _confirm(users, m)
    a.refresh_from_db()
    members = {
        mm.user_id: mm.role
        for mm in TeamMembership.objects.filter(assessment=a).select_related("user")
    }
    expected = {t.profile.user_id: t for t in m.team.select_related("profile__user").all()}
    assert set(members) == set(expected) and set(a.team.values_list("pk", flat=True)) == set(
        expected
    )
    seats = {t.profile.user_id: t.seat for t in expected.values()}
    for user_id, role in members.items():
        if seats[user_id] == "role:technical":
            assert role == "technical"
        if seats[user_id] == "role:criminal_justice":
            assert role == "criminal_justice"
        if seats[user_id] == "nascent":
            assert role == "observer"
    # The CCI rule holds: rating is open, led by the technical member.
    assert a.status == Status.RATING
    assert members[a.lead_id] == "technical"
    history = TeamChange.objects.filter(assessment=a)
    assert {c.kind for c in history} == {"added", "lead"}
    assert {c.source for c in history} == {f"mission:{m.pk}"}
    assert {c.by_id for c in history} == {users["coordinator"].pk}
    # The observer (the nascent specialist's shadow seat) may not rate.
    observer = next((u for u, r in members.items() if r == "observer"), None)
    if observer is not None:
        with pytest.raises(PermissionDenied):
            services.rating_submit(
                actor=a.team.get(pk=observer), assessment=a, indicator="P.1.a.2.1", value="met"
            )


def test_without_a_criminal_justice_assessor_rating_stays_closed(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.ACCEPTED)
    m = _mission(users, a, {"technical": 1})
    m.team.all().delete()
    expert_services.mission_team_propose(actor=users["coordinator"], mission=m)
    # Keep only technical-role members: the CCI rule is not met.
    for t in m.team.select_related("profile").prefetch_related("profile__expertise"):
        if "criminal_justice" in {x.key for x in t.profile.expertise.all()}:
            t.delete()
    expert_services.mission_team_confirm(actor=users["coordinator"], mission=m)
    a.refresh_from_db()
    assert a.status == Status.ACCEPTED and a.team.exists()
    (why,) = services.rating_blockers(a)
    assert "criminal-justice" in why and "Criminal justice" in why
    with pytest.raises(ServiceError, match="criminal-justice"):
        services.assessment_open_rating(actor=users["coordinator"], assessment=a)
    # The same reason on the page and in the API; nothing changes.
    page = clients["coordinator"].get(f"/assessments/{a.pk}/")
    assert b"criminal-justice assessor" in page.content
    api = clients["coordinator"].post(f"/api/v1/assessments/{a.pk}/open-rating")
    assert api.status_code == 400 and "criminal-justice" in api.json()["detail"]
    a.refresh_from_db()
    assert a.status == Status.ACCEPTED
    # The coordinator adds a criminal-justice assessor: rating opens.
    cj = make_user()
    services.assessment_assign_team(
        actor=users["coordinator"],
        assessment=a,
        members=[*a.team.all(), cj],
        lead=a.lead,  # type: ignore[arg-type]
        roles={
            **dict(TeamMembership.objects.filter(assessment=a).values_list("user_id", "role")),
            cj.pk: "criminal_justice",
        },
    )
    a.refresh_from_db()
    assert a.status == Status.RATING
    # Removing that assessor while rating is open is refused, and nothing changes.
    with pytest.raises(ServiceError, match="must keep"):
        services.assessment_assign_team(
            actor=users["coordinator"],
            assessment=a,
            members=[u for u in a.team.all() if u.pk != cj.pk],
            lead=a.lead,  # type: ignore[arg-type]
        )
    assert a.team.filter(pk=cj.pk).exists()


def test_mission_naming_an_unknown_assessment_is_not_confirmed(users: dict[str, Any]) -> None:
    m = _mission(users, None, {"technical": 1, "criminal_justice": 1})
    expert_services.mission_team_propose(actor=users["coordinator"], mission=m)
    with pytest.raises(ServiceError, match="does not exist"):
        expert_services.mission_team_confirm(actor=users["coordinator"], mission=m)
    m.refresh_from_db()
    assert m.status == MissionRequest.Status.PROPOSED


def test_team_history_records_removals_and_roles(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.RATING)
    newcomer = make_user()
    services.assessment_assign_team(
        actor=users["coordinator"],
        assessment=a,
        members=[users["coordinator"], newcomer],
        lead=users["coordinator"],
        roles={newcomer.pk: "criminal_justice"},
    )
    changes = [(c.member_id, c.kind, c.role) for c in TeamChange.objects.filter(assessment=a)][-2:]
    assert set(changes) == {
        (users["expert"].pk, "removed", "criminal_justice"),
        (newcomer.pk, "added", "criminal_justice"),
    }
    page = clients["coordinator"].get(f"/assessments/{a.pk}/")
    assert b"Team history" in page.content and str(newcomer).encode() in page.content
    # Who may not assign the team changes nothing.
    with pytest.raises(PermissionDenied):
        services.assessment_assign_team(
            actor=users["focal_point"],
            assessment=a,
            members=[users["coordinator"]],
            lead=users["coordinator"],
        )
    # An unknown role is refused with the member named.
    with pytest.raises(ServiceError, match="Unknown role 'chef'"):
        services.assessment_assign_team(
            actor=users["coordinator"],
            assessment=a,
            members=[users["coordinator"], newcomer],
            lead=users["coordinator"],
            roles={newcomer.pk: "chef"},
        )
    assert TeamMembership.objects.get(assessment=a, user=newcomer).role == "criminal_justice"


def test_mission_for_a_request_not_yet_accepted_is_not_confirmed(users: dict[str, Any]) -> None:
    a = build(users, until=Status.REQUESTED)
    m = _mission(users, a, {"technical": 1, "criminal_justice": 1})
    expert_services.mission_team_propose(actor=users["coordinator"], mission=m)
    with pytest.raises(ServiceError, match="Cannot assign the team"):
        expert_services.mission_team_confirm(actor=users["coordinator"], mission=m)
    m.refresh_from_db()
    a.refresh_from_db()
    assert m.status == MissionRequest.Status.PROPOSED and not a.team.exists()
