"""The people API as anonymous, as a user without access, as a place's manager and as an
administrator; bad input is refused and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from reef.accounts.models import Invitation, Membership
from reef.core.models import AuditEntry
from tests_support.world import make_user

pytestmark = pytest.mark.django_db

GD = "/api/v1/people/places/country/GD"


def _json(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _editor_in_grenada(users: dict[str, Any]) -> Membership:
    from reef.accounts.people import membership_grant
    from reef.directory.models import Country

    return membership_grant(
        user=make_user(),
        role="editor",
        actor=users["focal_point"],
        country=Country.objects.get(code="GD"),
    )


def test_people_api_needs_a_user(clients: dict[str, Client], users: dict[str, Any]) -> None:
    anonymous = clients["anonymous"]
    held = _editor_in_grenada(users)
    assert anonymous.get("/api/v1/people/places").status_code == 401
    assert anonymous.get(f"{GD}/members").status_code == 401
    invite = _json(
        anonymous, "post", f"{GD}/invitations", {"email": "a@b.example", "role": "viewer"}
    )
    assert invite.status_code == 401
    assert (
        _json(
            anonymous, "put", f"/api/v1/people/memberships/{held.pk}", {"role": "viewer"}
        ).status_code
        == 401
    )
    assert anonymous.delete(f"/api/v1/people/memberships/{held.pk}").status_code == 401
    assert anonymous.get("/api/v1/people/users").status_code == 401
    assert Membership.objects.filter(pk=held.pk, role="editor").exists()


def test_a_manager_lists_invites_changes_and_revokes(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    focal = clients["focal_point"]
    held = _editor_in_grenada(users)
    places = focal.get("/api/v1/people/places").json()
    assert {"kind": "country", "key": "GD", "name": "Grenada"} in places
    listed = focal.get(f"{GD}/members").json()
    assert listed["place"]["key"] == "GD"
    row = next(m for m in listed["members"] if m["id"] == held.pk)
    assert row["role"] == "editor" and row["email_verified"] is True

    mail.outbox.clear()
    made = _json(
        focal, "post", f"{GD}/invitations", {"email": "New@Ministry.example", "role": "viewer"}
    )
    assert made.status_code == 201, made.content
    assert made.json()["email"] == "new@ministry.example"
    assert "secret" not in made.json()  # the link goes by mail only
    assert any(m.to == ["new@ministry.example"] for m in mail.outbox)
    assert [i["email"] for i in focal.get(f"{GD}/members").json()["invitations"]] == [
        "new@ministry.example"
    ]

    changed = _json(focal, "put", f"/api/v1/people/memberships/{held.pk}", {"role": "viewer"})
    assert changed.status_code == 200 and changed.json()["role"] == "viewer"
    invitation = Invitation.objects.get(email="new@ministry.example")
    assert focal.delete(f"/api/v1/people/invitations/{invitation.pk}").status_code == 204
    assert focal.delete(f"/api/v1/people/memberships/{held.pk}").status_code == 204
    assert not Membership.objects.filter(pk=held.pk).exists()
    assert focal.get(f"{GD}/members").json()["invitations"] == []


def test_an_outsider_gets_404_and_changes_nothing(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    outsider = clients["outsider"]  # manages Barbados, not Grenada
    held = _editor_in_grenada(users)
    invitation = _json(
        clients["focal_point"],
        "post",
        f"{GD}/invitations",
        {"email": "x@y.example", "role": "viewer"},
    ).json()
    before = AuditEntry.objects.count()
    assert outsider.get(f"{GD}/members").status_code == 404
    assert (
        _json(
            outsider, "post", f"{GD}/invitations", {"email": "z@y.example", "role": "viewer"}
        ).status_code
        == 404
    )
    assert (
        _json(
            outsider, "put", f"/api/v1/people/memberships/{held.pk}", {"role": "manager"}
        ).status_code
        == 404
    )
    assert outsider.delete(f"/api/v1/people/memberships/{held.pk}").status_code == 404
    assert outsider.delete(f"/api/v1/people/invitations/{invitation['id']}").status_code == 404
    assert outsider.get("/api/v1/people/users").status_code == 404
    assert outsider.post(f"/api/v1/people/users/{held.user_id}/deactivate").status_code == 404
    assert {"kind": "country", "key": "GD", "name": "Grenada"} not in outsider.get(
        "/api/v1/people/places"
    ).json()
    assert Membership.objects.filter(pk=held.pk, role="editor").exists()
    assert AuditEntry.objects.count() == before


def test_bad_input_is_refused_and_changes_nothing(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    focal = clients["focal_point"]
    held = _editor_in_grenada(users)
    before = (Invitation.objects.count(), AuditEntry.objects.count())
    bad_email = _json(
        focal, "post", f"{GD}/invitations", {"email": "not an address", "role": "viewer"}
    )
    assert bad_email.status_code == 400 and bad_email.json()["detail"]
    bad_role = _json(
        focal, "post", f"{GD}/invitations", {"email": "a@b.example", "role": "emperor"}
    )
    assert bad_role.status_code == 400
    assert (
        _json(
            focal, "put", f"/api/v1/people/memberships/{held.pk}", {"role": "coordinator"}
        ).status_code
        == 400
    )
    assert focal.get("/api/v1/people/places/planet/GD/members").status_code == 404
    assert (Invitation.objects.count(), AuditEntry.objects.count()) == before
    assert Membership.objects.get(pk=held.pk).role == "editor"


def test_a_member_leaves_but_the_last_manager_may_not(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    from tests_support.world import totp_secret_for

    held = _editor_in_grenada(users)
    TOTP.activate(held.user, totp_secret_for(held.user.email))  # a role holder has MFA
    member = Client()
    member.force_login(held.user)
    mine = member.get("/api/v1/me").json()["memberships"]
    assert [m["id"] for m in mine] == [held.pk]
    assert member.delete(f"/api/v1/people/memberships/{held.pk}").status_code == 204
    assert not Membership.objects.filter(pk=held.pk).exists()
    focal_membership = Membership.objects.get(user=users["focal_point"], country__code="GD")
    refused = clients["focal_point"].delete(f"/api/v1/people/memberships/{focal_membership.pk}")
    # The last manager of a country cannot leave it unmanaged.
    assert refused.status_code == 400, refused.content
    assert Membership.objects.filter(pk=focal_membership.pk).exists()


def test_an_administrator_lists_and_deactivates_accounts(
    clients: dict[str, Client], users: dict[str, Any]
) -> None:
    admin = clients["admin"]
    target = make_user(display_name="Leaving Person")
    found = admin.get("/api/v1/people/users", {"q": "Leaving", "limit": "1"}).json()
    assert found["count"] == 1 and found["next_offset"] is None
    assert found["items"][0]["email"] == target.email
    page = admin.get("/api/v1/people/users", {"limit": "2"}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert admin.get("/api/v1/people/users", {"limit": "10000"}).status_code == 422
    done = admin.post(f"/api/v1/people/users/{target.pk}/deactivate")
    assert done.status_code == 200 and done.json()["active"] is False
    again = admin.post(f"/api/v1/people/users/{target.pk}/deactivate")
    assert again.status_code == 400
    assert admin.post("/api/v1/people/users/999999/deactivate").status_code == 404
    # Administrators see every place, yet no country's AMBER records by that role.
    assert {"kind": "country", "key": "GD", "name": "Grenada"} in admin.get(
        "/api/v1/people/places"
    ).json()
