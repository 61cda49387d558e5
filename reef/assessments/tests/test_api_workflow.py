"""API parity (issue 14): every action the pages offer has an API route under the same
rules, tested as anonymous, as an outsider and as the person allowed; ratings in bulk
are validated as a whole and versioned; independence holds through the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from reef.assessments import selectors, services
from reef.assessments.models import Assessment, Rating, Status, TeamMembership
from reef.assessments.tests.helpers import build, example_framework, verify_addresses

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    method: str
    path: str  # "{id}" is the assessment's id
    until: str | None
    who: str
    ok: int
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    prepare: Callable[[dict[str, Any], Assessment], object] | None = None
    # What an outsider gets: 404 (may not see the assessment) or 403 (no assessment yet).
    outsider: int = 404
    extra: dict[str, Any] = field(default_factory=dict)


def _team_body(users: dict[str, Any]) -> dict[str, Any]:
    verify_addresses(users["coordinator"], users["expert"])
    return {
        "members": [
            {"email": users["coordinator"].email, "role": "technical"},
            {"email": users["expert"].email, "role": "criminal_justice"},
        ],
        "lead": users["coordinator"].email,
    }


def _cci_team(users: dict[str, Any], a: Assessment) -> None:
    """A team that stays 'accepted' (two technical members), then given a criminal-justice
    member behind the service's back, so that opening rating is the step under test."""
    services.assessment_assign_team(
        actor=users["coordinator"],
        assessment=a,
        members=[users["coordinator"], users["expert"]],
        lead=users["coordinator"],
    )
    TeamMembership.objects.filter(assessment=a, user=users["expert"]).update(
        role="criminal_justice"
    )


def _target(users: dict[str, Any], a: Assessment) -> None:
    services.target_set(actor=users["coordinator"], assessment=a, targets={"P.1.a": 3})


def _gap_key(a: Assessment) -> str:
    return selectors.assessment_result(a).gaps[0].key


CASES = {
    "request": Case(
        "post",
        "/api/v1/assessments",
        None,
        "focal_point",
        201,
        body=lambda u: {"country": "GD", "framework": example_framework().ref, "cycle": "2030"},
        outsider=403,
    ),
    "accept": Case("post", "/api/v1/assessments/{id}/accept", Status.REQUESTED, "coordinator", 200),
    "team_get": Case("get", "/api/v1/assessments/{id}/team", Status.RATING, "focal_point", 200),
    "team_put": Case(
        "put", "/api/v1/assessments/{id}/team", Status.ACCEPTED, "coordinator", 200, body=_team_body
    ),
    "open_rating": Case(
        "post",
        "/api/v1/assessments/{id}/open-rating",
        Status.ACCEPTED,
        "coordinator",
        200,
        prepare=_cci_team,
    ),
    "session": Case(
        "post",
        "/api/v1/assessments/{id}/sessions",
        Status.RATING,
        "coordinator",
        201,
        body=lambda u: {
            "cluster": "government",
            "held_on": "2026-03-03",
            "participants": {"government": 5},
        },
    ),
    "bulk": Case(
        "post",
        "/api/v1/assessments/{id}/ratings/bulk",
        Status.RATING,
        "expert",
        200,
        body=lambda u: {"ratings": [{"indicator": "P.1.a.2.1", "value": "met"}]},
    ),
    "close_rating": Case(
        "post",
        "/api/v1/assessments/{id}/close-rating",
        Status.RATING,
        "coordinator",
        200,
        prepare=lambda u, a: (
            services.rating_submit(
                actor=u["expert"], assessment=a, indicator="P.1.a.2.1", value="met"
            )
            and None
        ),
    ),
    "decisions_get": Case(
        "get", "/api/v1/assessments/{id}/decisions", Status.CONSOLIDATION, "coordinator", 200
    ),
    "decision_put": Case(
        "put",
        "/api/v1/assessments/{id}/decisions/P.1.a.2.1",
        Status.CONSOLIDATION,
        "coordinator",
        200,
        body=lambda u: {"value": "partial", "note": "Draft only."},
    ),
    "finish": Case(
        "post",
        "/api/v1/assessments/{id}/finish-consolidation",
        Status.CONSOLIDATION,
        "coordinator",
        200,
    ),
    "summary": Case(
        "put",
        "/api/v1/assessments/{id}/summary",
        Status.CONSOLIDATION,
        "coordinator",
        200,
        body=lambda u: {"summary": "A strategy exists."},
    ),
    "targets_get": Case("get", "/api/v1/assessments/{id}/targets", Status.TARGETS, "expert", 200),
    "targets_put": Case(
        "put",
        "/api/v1/assessments/{id}/targets",
        Status.TARGETS,
        "focal_point",
        200,
        body=lambda u: {"targets": {"P.1.a": 2}},
    ),
    "agree": Case(
        "post",
        "/api/v1/assessments/{id}/agree-targets",
        Status.TARGETS,
        "focal_point",
        200,
        prepare=_target,
    ),
    "report": Case("post", "/api/v1/assessments/{id}/reports/pdf", Status.COMPLETE, "expert", 202),
    "need": Case(
        "post", "/api/v1/assessments/{id}/gaps/{gap}/need", Status.COMPLETE, "focal_point", 201
    ),
    "reassess": Case(
        "post",
        "/api/v1/assessments/{id}/reassess",
        Status.COMPLETE,
        "focal_point",
        201,
        body=lambda u: {"cycle": "2031"},
    ),
}


@pytest.mark.parametrize("who", ["anonymous", "outsider", "permitted"])
@pytest.mark.parametrize("name", list(CASES))
def test_route_as_anonymous_outsider_and_permitted(
    users: dict[str, Any], clients: dict[str, Any], name: str, who: str
) -> None:
    case = CASES[name]
    a = build(users, until=case.until) if case.until else None
    if a is not None and case.prepare is not None:
        case.prepare(users, a)
    path = case.path
    if a is not None:
        path = path.replace("{id}", str(a.pk))
        if "{gap}" in path:
            path = path.replace("{gap}", _gap_key(a))
    client = clients[case.who if who == "permitted" else who]
    kwargs: dict[str, Any] = {}
    if case.body is not None:
        kwargs = {"data": case.body(users), "content_type": "application/json"}
    response = getattr(client, case.method)(path, **kwargs)
    if who == "permitted":
        assert response.status_code == case.ok, response.content[:500]
    elif who == "anonymous":
        # Reads of a labelled assessment: not found; writes: sign in first.
        assert response.status_code == (404 if case.method == "get" else 401)
    else:
        assert response.status_code == case.outsider, response.content[:500]
    if who != "permitted" and a is not None:
        before = a.status
        a.refresh_from_db()
        assert a.status == before


def test_the_team_page_and_api_refuse_the_focal_point(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.ACCEPTED)
    response = clients["focal_point"].put(
        f"/api/v1/assessments/{a.pk}/team", _team_body(users), content_type="application/json"
    )
    assert response.status_code == 403
    assert not a.team.exists()


def test_whole_cycle_through_the_api(users: dict[str, Any], clients: dict[str, Any]) -> None:
    fp, co, ex = clients["focal_point"], clients["coordinator"], clients["expert"]
    fw = example_framework()
    created = fp.post(
        "/api/v1/assessments",
        {"country": "GD", "framework": fw.ref, "cycle": "2027"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    base = f"/api/v1/assessments/{pk}"
    assert co.post(f"{base}/accept").json()["status"] == "accepted"
    team = co.put(f"{base}/team", _team_body(users), content_type="application/json").json()
    assert team["status"] == "rating" and team["rating_blockers"] == []
    assert {(m["role"], m["lead"]) for m in team["members"]} == {
        ("technical", True),
        ("criminal_justice", False),
    }
    indicators = list(fw.indicators.order_by("position"))
    keys = [i.key for i in indicators]
    # Both assessors find the first aspect's indicators not met: a gap to plan for.
    aspect = indicators[0].aspect_key
    for client in (co, ex):
        rows = [
            {"indicator": i.key, "value": "not_met" if i.aspect_key == aspect else "met"}
            for i in indicators
        ]
        assert (
            client.post(
                f"{base}/ratings/bulk", {"ratings": rows}, content_type="application/json"
            ).status_code
            == 200
        )
    # Independence: while rating is open the country sees no rating, the lead only theirs.
    assert fp.get(f"{base}/ratings").json() == []
    assert {r["assessor"] for r in co.get(f"{base}/ratings").json()} == {str(users["coordinator"])}
    assert fp.get(f"{base}/results").status_code == 400
    assert co.post(f"{base}/close-rating").json()["status"] == "consolidation"
    assert len(fp.get(f"{base}/ratings").json()) == 2 * len(keys)
    assert co.post(f"{base}/finish-consolidation").json()["status"] == "targets"
    assert fp.put(
        f"{base}/targets", {"targets": {aspect: 3}}, content_type="application/json"
    ).json() == {aspect: 3.0}
    assert fp.post(f"{base}/agree-targets").json()["status"] == "complete"
    assert fp.post(f"{base}/reports/pdf").status_code == 202
    _from_gap_to_verified_delivery(users, clients, pk, aspect)


def _from_gap_to_verified_delivery(
    users: dict[str, Any], clients: dict[str, Any], pk: int, aspect: str
) -> None:
    """The rest of issue 14's cycle through the API only: the gap becomes a need with a
    cost, published to donors; a donor offers; the state accepts; the donor delivers; the
    state verifies."""
    fp, donor = clients["focal_point"], clients["donor"]
    made = fp.post(f"/api/v1/assessments/{pk}/gaps/{aspect}/need")
    assert made.status_code == 201, made.content
    need_url = f"/api/v1/planning/needs/{made.json()['id']}"
    got = fp.get(need_url)
    assert not got.json()["published"]
    # Without a cost the need is not put before donors.
    unpriced = fp.post(f"{need_url}/publish", headers={"If-Match": got["ETag"]})
    assert unpriced.status_code == 400 and unpriced.json()["field"] == "cost_amount"
    patched = fp.patch(
        need_url,
        {"cost_amount": "120000", "cost_currency": "USD"},
        content_type="application/json",
        headers={"If-Match": got["ETag"]},
    )
    assert patched.status_code == 200, patched.content
    published = fp.post(f"{need_url}/publish", headers={"If-Match": patched["ETag"]})
    assert published.status_code == 200 and published.json()["published"], published.content
    organisation = users["donor"].memberships.get(organisation__isnull=False).organisation
    # The need keeps the assessment's AMBER: the state shares it with the donor first.
    assert donor.get(need_url).status_code == 404
    sharing = f"/api/v1/sharing/planning.need/{made.json()['id']}"
    shared = fp.put(
        sharing,
        {"organisations": [organisation.slug]},
        content_type="application/json",
        headers={"If-Match": fp.get(sharing)["ETag"]},
    )
    assert shared.status_code == 200, shared.content
    assert donor.get(need_url).status_code == 200
    offered = donor.post(
        f"{need_url}/commitments",
        {"organisation": organisation.slug, "kind": "money", "amount": "120000"},
        content_type="application/json",
    )
    assert offered.status_code == 201, offered.content
    step = f"/api/v1/planning/commitments/{offered.json()['id']}/transition"

    def move(client: Any, to: str) -> Any:
        return client.post(step, {"to": to, "note": f"{to} (API)"}, content_type="application/json")

    for client, to in ((fp, "accepted"), (donor, "in_progress"), (donor, "delivered")):
        moved = move(client, to)
        assert moved.status_code == 200 and moved.json()["status"] == to, moved.content
    # Nobody acts for the other side: the donor cannot verify its own delivery.
    assert move(donor, "verified").status_code == 403
    verified = move(fp, "verified")
    assert verified.status_code == 200 and verified.json()["status"] == "verified"


def _bulk(client: Any, a: Assessment, rows: list[dict[str, Any]]) -> Any:
    return client.post(
        f"/api/v1/assessments/{a.pk}/ratings/bulk",
        {"ratings": rows},
        content_type="application/json",
    )


def test_bulk_ratings_all_or_nothing_with_every_error(
    users: dict[str, Any], clients: dict[str, Any]
) -> None:
    a = build(users, until=Status.RATING)
    response = _bulk(
        clients["expert"],
        a,
        [
            {"indicator": "P.1.a.2.1", "value": "met"},
            {"indicator": "NOPE", "value": "met"},
            {"indicator": "P.1.b.2.1", "value": "great"},
            {"indicator": "P.1.a.2.1", "value": "partial"},
            {"indicator": "P.1.a.3.1", "value": "met", "evidence_link": "javascript:alert(1)"},
        ],
    )
    assert response.status_code == 400
    body = response.json()
    assert "4 problems" in body["detail"]
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (2, "indicator"),
        (3, "value"),
        (4, "indicator"),
        (5, "evidence_link"),
    ]
    assert not Rating.objects.filter(assessment=a).exists()


def test_bulk_ratings_are_versioned(users: dict[str, Any], clients: dict[str, Any]) -> None:
    a = build(users, until=Status.RATING)
    ex = clients["expert"]
    first = _bulk(ex, a, [{"indicator": "P.1.a.2.1", "value": "met", "evidence": "law"}])
    assert first.status_code == 200
    assert [(r["value"], r["version"]) for r in first.json()] == [("met", 1)]
    # Replacing it without naming the version read is refused: no lost update.
    stale = _bulk(ex, a, [{"indicator": "P.1.a.2.1", "value": "not_met"}])
    assert stale.status_code == 400 and stale.json()["errors"][0]["field"] == "version"
    ok = _bulk(ex, a, [{"indicator": "P.1.a.2.1", "value": "partial", "version": 1}])
    assert [(r["value"], r["version"]) for r in ok.json()] == [("partial", 2)]
    again = _bulk(ex, a, [{"indicator": "P.1.a.2.1", "value": "met", "version": 1}])
    assert again.status_code == 400 and "version 2" in again.json()["errors"][0]["message"]
    rating = Rating.objects.get(assessment=a)
    assert (rating.value, rating.version, rating.assessor) == ("partial", 2, users["expert"])
    # A focal point (not on the team) cannot rate through the API either.
    assert (
        _bulk(clients["focal_point"], a, [{"indicator": "P.1.b.2.1", "value": "met"}]).status_code
        == 403
    )


def test_openapi_documents_the_workflow_with_examples(clients: dict[str, Any]) -> None:
    schema = clients["anonymous"].get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/assessments/{assessment_id}/ratings/bulk",
        "/api/v1/assessments/{assessment_id}/team",
        "/api/v1/assessments/{assessment_id}/open-rating",
        "/api/v1/assessments/{assessment_id}/decisions/{indicator}",
        "/api/v1/assessments/{assessment_id}/report.pdf",
    ):
        assert path in paths, path
    assert schema["components"]["schemas"]["BulkRatingsIn"]["examples"]
    assert schema["components"]["schemas"]["TeamIn"]["examples"]
