"""The notifications API as anonymous, as the recipient and as another user."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from reef.core.rules import DEMO
from reef.core.tlp import TLP
from reef.notifications.models import Notification, NotificationPreference


@pytest.fixture
def inbox(users: dict[str, Any]) -> list[Notification]:
    """Three notifications for the focal point (about no record), one for the outsider."""
    made = [
        Notification.objects.create(
            recipient=users["focal_point"], kind="assessment.accepted", tlp=TLP.RED
        )
        for _ in range(3)
    ]
    made.append(
        Notification.objects.create(
            recipient=users["outsider"], kind="assessment.accepted", tlp=TLP.RED
        )
    )
    return made


@pytest.mark.django_db
def test_notifications_api_needs_a_user(clients: dict[str, Client], inbox: Any) -> None:
    anonymous = clients["anonymous"]
    assert anonymous.get("/api/v1/notifications").status_code == 401
    assert anonymous.post(f"/api/v1/notifications/{inbox[0].pk}/read").status_code == 401
    assert anonymous.post("/api/v1/notifications/read-all").status_code == 401
    assert anonymous.get("/api/v1/notifications/preferences").status_code == 401
    put = anonymous.put(
        "/api/v1/notifications/preferences",
        json.dumps({"delivery": "digest"}),
        content_type="application/json",
    )
    assert put.status_code == 401


@pytest.mark.django_db
def test_notifications_api_lists_own_with_pagination(
    clients: dict[str, Client], inbox: list[Notification]
) -> None:
    first = clients["focal_point"].get("/api/v1/notifications?limit=2").json()
    assert first["count"] == 3
    assert first["unread"] == 3
    assert first["next_offset"] == 2
    assert len(first["items"]) == 2
    rest = clients["focal_point"].get("/api/v1/notifications?limit=2&offset=2").json()
    assert rest["next_offset"] is None
    ids = {i["id"] for i in first["items"] + rest["items"]}
    assert ids == {n.pk for n in inbox[:3]}
    # A notification about no visible record carries no title from it.
    assert all(i["url"] == "" for i in first["items"])
    outsider = clients["outsider"].get("/api/v1/notifications").json()
    assert [i["id"] for i in outsider["items"]] == [inbox[3].pk]
    assert clients["public"].get("/api/v1/notifications").json()["count"] == 0
    assert clients["focal_point"].get("/api/v1/notifications?limit=0").status_code == 422
    assert clients["focal_point"].get("/api/v1/notifications?limit=101").status_code == 422
    assert clients["focal_point"].get("/api/v1/notifications?offset=-1").status_code == 422


@pytest.mark.django_db
def test_notifications_api_mark_read_own_only(
    clients: dict[str, Client], inbox: list[Notification]
) -> None:
    own, others = inbox[0], inbox[3]
    assert clients["focal_point"].post(f"/api/v1/notifications/{others.pk}/read").status_code == 404
    assert clients["focal_point"].post(
        "/api/v1/notifications/99999999999999999999/read"
    ).status_code in (404, 422)
    others.refresh_from_db()
    assert others.read_at is None
    response = clients["focal_point"].post(f"/api/v1/notifications/{own.pk}/read")
    assert response.status_code == 200
    assert response.json()["read"] is True
    unread = clients["focal_point"].get("/api/v1/notifications?unread=true").json()
    assert unread["count"] == 2
    marked = clients["focal_point"].post("/api/v1/notifications/read-all").json()
    assert marked == {"marked": 2}
    others.refresh_from_db()
    assert others.read_at is None


@pytest.mark.django_db
def test_notifications_api_preferences(clients: dict[str, Client], users: dict[str, Any]) -> None:
    from reef.planning.services import area_ensure_defaults

    area_ensure_defaults(actor=DEMO)
    c = clients["donor"]
    assert c.get("/api/v1/notifications/preferences").json() == {
        "delivery": "immediate",
        "need_areas": [],
    }
    ok = c.put(
        "/api/v1/notifications/preferences",
        json.dumps({"delivery": "digest", "need_areas": ["incident-response"]}),
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json() == {"delivery": "digest", "need_areas": ["incident-response"]}
    bad = c.put(
        "/api/v1/notifications/preferences",
        json.dumps({"delivery": "hourly"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "delivery"
    pref = NotificationPreference.objects.get(user=users["donor"])
    assert pref.delivery == "digest"
    # The outsider's preferences are theirs alone.
    assert clients["outsider"].get("/api/v1/notifications/preferences").json()["delivery"] == (
        "immediate"
    )
