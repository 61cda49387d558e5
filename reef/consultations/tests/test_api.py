"""API: same access rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reef.consultations import services
from reef.consultations.models import Consultation, Participation, Vote
from reef.consultations.tests.helpers import (
    accepted,
    community_consultation,
    hidden_consultation,
    join,
    section,
)
from reef.core.tlp import TLP

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(users: dict[str, Any]) -> Consultation:
    return community_consultation(users["coordinator"])


def test_read_access(c: Consultation, users: dict[str, Any], clients: dict[str, Client]) -> None:
    hidden = hidden_consultation(users["focal_point"])
    ids = {x["id"] for x in clients["expert"].get("/api/v1/consultations").json()}
    assert c.pk in ids and hidden.pk not in ids
    assert clients["anonymous"].get(f"/api/v1/consultations/{c.pk}").status_code == 404
    assert clients["public"].get(f"/api/v1/consultations/{c.pk}").status_code == 404
    assert clients["expert"].get(f"/api/v1/consultations/{hidden.pk}").status_code == 404
    assert clients["focal_point"].get(f"/api/v1/consultations/{hidden.pk}").status_code == 200
    assert clients["expert"].get(f"/api/v1/consultations/{c.pk}/report").status_code == 200


def test_join_vote_and_next(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    s = accepted(users["coordinator"], c, "Statement.")
    client = clients["expert"]
    base = f"/api/v1/consultations/{c.pk}"
    assert (
        client.post(
            f"{base}/votes", {"statement": s.number, "value": 1}, content_type="application/json"
        ).status_code
        == 400
    )  # not joined
    r = client.post(
        f"{base}/participation",
        {"sector": "private sector", "country": "TT"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert client.get(f"{base}/next").json()["number"] == s.number
    r = client.post(
        f"{base}/votes", {"statement": s.number, "value": -1}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json() == {"statement": s.number, "value": -1}
    assert client.get(f"{base}/next").status_code == 204
    assert clients["anonymous"].post(
        f"{base}/votes", {"statement": s.number, "value": 1}, content_type="application/json"
    ).status_code in (401, 404)
    r = clients["donor"].post(
        f"{base}/votes", {"statement": s.number, "value": 1}, content_type="application/json"
    )
    assert r.status_code == 403
    assert Vote.objects.count() == 1


def test_rate_limit_answers_429(users: dict[str, Any], clients: dict[str, Client]) -> None:
    c = community_consultation(
        users["coordinator"], participation=Participation.PUBLIC, tlp=TLP.CLEAR, votes_per_minute=1
    )
    a = accepted(users["coordinator"], c, "A")
    b = accepted(users["coordinator"], c, "B")
    join(users["public"], c)
    base = f"/api/v1/consultations/{c.pk}/votes"
    client = clients["public"]
    assert (
        client.post(
            base, {"statement": a.number, "value": 1}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.post(
            base, {"statement": b.number, "value": 1}, content_type="application/json"
        ).status_code
        == 429
    )


def test_amendment_decision_via_api(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c)
    a = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="New.")
    url = f"/api/v1/consultations/{c.pk}/amendments/{a.pk}/decision"
    assert (
        clients["expert"]
        .post(url, {"accept": True, "reason": "Mine"}, content_type="application/json")
        .status_code
        == 403
    )
    r = clients["coordinator"].post(
        url, {"accept": False, "reason": ""}, content_type="application/json"
    )
    assert r.status_code == 400 and "reason" in r.json()["detail"]
    r = clients["coordinator"].post(
        url, {"accept": False, "reason": "Out of scope."}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"


def test_stale_amendment_via_api(
    c: Consultation, users: dict[str, Any], clients: dict[str, Client]
) -> None:
    sec = section(users["coordinator"], c)
    join(users["expert"], c)
    join(users["focal_point"], c)
    first = services.amendment_propose(
        actor=users["focal_point"], section=sec, proposed_text="One."
    )
    second = services.amendment_propose(actor=users["expert"], section=sec, proposed_text="Two.")
    services.amendment_decide(
        actor=users["coordinator"], amendment=first, accept=True, reason="Fine."
    )
    listing = f"/api/v1/consultations/{c.pk}/sections/{sec.number}/amendments"
    assert clients["anonymous"].get(listing).status_code == 404
    found = {a["id"]: a["stale"] for a in clients["expert"].get(listing).json()}
    assert found == {first.pk: False, second.pk: True}
    decide = f"/api/v1/consultations/{c.pk}/amendments/{second.pk}/decision"
    r = clients["coordinator"].post(
        decide, {"accept": True, "reason": "Yes."}, content_type="application/json"
    )
    assert r.status_code == 409 and "re-based" in r.json()["detail"]
    rebase = f"/api/v1/consultations/{c.pk}/amendments/{second.pk}/rebase"
    body = {"proposed_text": "One, and two."}
    assert (
        clients["anonymous"].post(rebase, body, content_type="application/json").status_code == 401
    )
    assert (
        clients["focal_point"].post(rebase, body, content_type="application/json").status_code
        == 403
    )
    r = clients["expert"].post(rebase, {"proposed_text": ""}, content_type="application/json")
    assert r.status_code == 400
    r = clients["expert"].post(rebase, body, content_type="application/json")
    assert r.status_code == 200 and r.json()["stale"] is False
    r = clients["coordinator"].post(
        decide, {"accept": True, "reason": "Yes."}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"


def test_create_consultation_round_and_section(
    users: dict[str, Any], clients: dict[str, Client]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    body = {
        "title": "Via the API",
        "owner_organisation": "caricom-impacs",
        "community_grouping": "caricom",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=3)).isoformat(),
    }
    r = clients["expert"].post("/api/v1/consultations", body, content_type="application/json")
    assert r.status_code == 403  # not an editor at IMPACS
    r = clients["coordinator"].post("/api/v1/consultations", body, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = clients["coordinator"].post(
        f"/api/v1/consultations/{pk}/delphi",
        {"title": "R1", "items": ["A", "B"]},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json() == {"number": 1}
    r = clients["coordinator"].post(
        f"/api/v1/consultations/{pk}/sections",
        {"heading": "One", "text": "Text."},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = clients["coordinator"].put(
        f"/api/v1/consultations/{pk}/window",
        {"opens_at": body["opens_at"], "closes_at": (now + timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 400 and "never shortened" in r.json()["detail"]
    assert Consultation.objects.get(pk=pk).closes_at > now + timedelta(days=2)
    # Extending: the opening sent back as the API gave it, or left out.
    for opening in ({"opens_at": body["opens_at"]}, {}):
        later = Consultation.objects.get(pk=pk).closes_at + timedelta(days=1)
        r = clients["coordinator"].put(
            f"/api/v1/consultations/{pk}/window",
            {**opening, "closes_at": later.isoformat()},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        assert Consultation.objects.get(pk=pk).closes_at == later


def test_operation_ids_stay_as_published(client: Client) -> None:
    """The endpoints live in several modules; their OpenAPI operation ids are still those of
    one module, reef.consultations.api (generated clients name their methods by them)."""
    from reef.consultations import api

    schema = client.get("/api/v1/openapi.json").json()
    ids = {
        op["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/consultations")
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    endpoints = [name for name in api.__all__ if name != "router"]
    assert ids == {f"reef_consultations_api_{name}" for name in endpoints}
    assert len(ids) == 23
