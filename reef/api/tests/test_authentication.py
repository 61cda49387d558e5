"""One authentication path for sessions and Bearer tokens (issue 13 items 1 and 2)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.utils import timezone

from reef.accounts import throttle
from reef.accounts.models import ApiToken
from reef.accounts.services import api_token_create, membership_grant
from reef.core.errors import ServiceError
from reef.core.rules import DEMO
from reef.directory.models import Country
from tests_support.world import make_user, reauthenticated_session, totp_secret_for

PASSWORD = "a long test password 123"  # nosec B105
MFA_MESSAGE = "Multi-factor authentication must be set up for this account."


def _bearer(secret: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _create(client: Client, body: dict[str, Any], **extra: Any) -> Any:
    return client.post("/api/v1/tokens", body, content_type="application/json", **extra)


# Item 1: the same account rules for tokens as for sessions.


@pytest.mark.django_db
def test_token_made_without_a_role_stops_when_a_role_needs_mfa(world: None) -> None:
    user = make_user()
    _, secret = api_token_create(user=user, name="before the role")
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 200
    membership_grant(user=user, role="viewer", actor=DEMO, country=Country.objects.get(code="GD"))
    refused = Client().get("/api/v1/me", **_bearer(secret))
    assert refused.status_code == 403
    assert refused.json()["detail"] == MFA_MESSAGE
    # Public data too: the token is not silently treated as anonymous.
    assert Client().get("/api/v1/countries", **_bearer(secret)).status_code == 403
    # The session of the same account answers the same.
    session = Client()
    session.force_login(user)
    assert session.get("/api/v1/me").json()["detail"] == MFA_MESSAGE
    # Once MFA is set up, both work again.
    TOTP.activate(user, totp_secret_for(user.email))
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 200
    assert session.get("/api/v1/me").status_code == 200


@pytest.mark.django_db
def test_token_made_in_demo_mode_stops_when_demo_mode_is_off(world: None, settings: Any) -> None:
    user = make_user(demo_mfa_exempt=True)
    membership_grant(user=user, role="viewer", actor=DEMO, country=Country.objects.get(code="GD"))
    settings.REEF_DEMO = True
    _, secret = api_token_create(user=user, name="demo")
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 200
    settings.REEF_DEMO = False
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 403


@pytest.mark.django_db
def test_deactivated_account_token_is_refused_at_once(world: None) -> None:
    user = make_user()
    _, secret = api_token_create(user=user, name="t")
    session = Client()
    session.force_login(user)
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 200
    assert session.get("/api/v1/me").status_code == 200
    # Even without user_deactivate revoking its tokens: checked on every request.
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 401
    assert session.get("/api/v1/me").status_code == 401
    assert session.get("/profile/").status_code == 302
    assert Client().get("/api/v1/countries", **_bearer(secret)).status_code == 401
    with pytest.raises(ServiceError):
        api_token_create(user=user, name="after")


@pytest.mark.django_db
def test_expired_token_is_refused(world: None) -> None:
    user = make_user()
    token, secret = api_token_create(user=user, name="t")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 401


@pytest.mark.django_db
def test_read_token_gets_403_on_any_write(users: dict[str, Any]) -> None:
    donor = users["donor"]
    _, read = api_token_create(user=donor, name="reader", scope="read")
    target, _ = api_token_create(user=donor, name="target")
    assert Client().get("/api/v1/me", **_bearer(read)).status_code == 200
    writes = [
        ("put", "/api/v1/organisations/oas"),
        ("delete", f"/api/v1/tokens/{target.prefix}"),
        ("post", "/api/v1/tokens"),
    ]
    for method, url in writes:
        response = getattr(Client(), method)(
            url, {}, content_type="application/json", **_bearer(read)
        )
        assert response.status_code == 403, method
        assert response.json()["detail"] == "This token is read-only."
    target.refresh_from_db()
    assert target.revoked_at is None
    _, write = api_token_create(user=donor, name="writer", scope="read-write")
    deleted = Client().delete(f"/api/v1/tokens/{target.prefix}", **_bearer(write))
    assert deleted.status_code == 204
    target.refresh_from_db()
    assert target.revoked_at is not None


@pytest.mark.django_db
def test_token_last_use_is_recorded(world: None) -> None:
    user = make_user()
    token, secret = api_token_create(user=user, name="t")
    assert token.last_used_at is None
    Client().get("/api/v1/me", **_bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None
    listed = Client().get("/api/v1/tokens", **_bearer(secret)).json()
    assert listed[0]["prefix"] == token.prefix and listed[0]["last_used_at"]


@pytest.mark.django_db
def test_tokens_never_last_for_ever(world: None, settings: Any) -> None:
    settings.REEF_API_TOKEN_DAYS = 90
    settings.REEF_API_TOKEN_MAX_DAYS = 365
    user = make_user()
    token, _ = api_token_create(user=user, name="default")
    expected = timezone.now() + timedelta(days=90)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    with pytest.raises(ServiceError, match="at most 365 days"):
        api_token_create(user=user, name="long", expires_at=timezone.now() + timedelta(days=400))
    with pytest.raises(ServiceError, match="future"):
        api_token_create(user=user, name="past", expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ServiceError):
        api_token_create(user=user, name="odd", scope="admin")
    too_long = _create(
        Client(),
        {"name": "long", "expires_at": (timezone.now() + timedelta(days=400)).isoformat()},
        **reauthenticated_session(user),
    )
    assert too_long.status_code == 400
    assert ApiToken.objects.filter(user=user).count() == 1


# Item 2: re-authentication before a token is made through the API.


@pytest.mark.django_db
def test_bearer_token_cannot_create_tokens(world: None) -> None:
    user = make_user()
    _, secret = api_token_create(user=user, name="t", scope="read-write")
    refused = _create(Client(), {"name": "more"}, **_bearer(secret))
    assert refused.status_code == 403
    # Not even with the password: the token is not what may mint.
    with_password = _create(Client(), {"name": "more", "password": PASSWORD}, **_bearer(secret))
    assert with_password.status_code == 403
    assert ApiToken.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_api_token_creation_needs_reauthentication(world: None) -> None:
    user = make_user()
    plain = Client()
    plain.force_login(user)
    assert _create(plain, {"name": "x"}).status_code == 403
    assert _create(plain, {"name": "x", "password": "wrong password!"}).status_code == 403
    assert not ApiToken.objects.filter(user=user).exists()
    by_password = _create(plain, {"name": "x", "password": PASSWORD})
    assert by_password.status_code == 201, by_password.content
    body = by_password.json()
    assert body["scope"] == "read" and body["expires_at"] and body["secret"].startswith("reef_")
    recent = _create(
        Client(), {"name": "y", "scope": "read-write"}, **reauthenticated_session(user)
    )
    assert recent.status_code == 201
    assert ApiToken.objects.get(user=user, name="y").scope == "read-write"
    # Anonymous callers: 401, with or without a password.
    assert _create(Client(), {"name": "z", "password": PASSWORD}).status_code == 401


@pytest.mark.django_db
def test_api_token_creation_by_password_needs_the_totp_code_with_mfa(
    users: dict[str, Any],
) -> None:
    user = users["expert"]
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    client.force_login(user)
    assert _create(client, {"name": "x", "password": PASSWORD}).status_code == 403
    wrong = _create(client, {"name": "x", "password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 403
    code = pyotp.TOTP(totp_secret_for(user.email)).now()
    ok = _create(client, {"name": "x", "password": PASSWORD, "code": code})
    assert ok.status_code == 201, ok.content
    # The same code does not work twice.
    assert _create(client, {"name": "y", "password": PASSWORD, "code": code}).status_code == 403
    assert throttle.signin_failures(user.email) == 1
    # Wrong codes counted like wrong passwords; a full success lifts the count.
    later = pyotp.TOTP(totp_secret_for(user.email)).at(time.time() + 30)
    assert _create(client, {"name": "z", "password": PASSWORD, "code": later}).status_code == 201
    assert throttle.signin_failures(user.email) == 0


@pytest.mark.django_db
def test_api_token_creation_by_password_is_throttled(world: None, settings: Any) -> None:
    settings.REEF_SIGNIN_THRESHOLD = 3
    user = make_user()
    client = Client()
    client.force_login(user)
    for _ in range(3):
        assert _create(client, {"name": "x", "password": "wrong password!"}).status_code == 403
    throttled = _create(client, {"name": "x", "password": PASSWORD})
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert not ApiToken.objects.filter(user=user).exists()
    # The same delay holds on the sign-in page: one count per account.
    page = Client().post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in page.content


@pytest.mark.django_db
def test_token_endpoints_for_anonymous_and_outsiders(users: dict[str, Any]) -> None:
    token, _ = api_token_create(user=users["focal_point"], name="mine")
    _, outsider = api_token_create(user=users["outsider"], name="theirs", scope="read-write")
    anonymous = Client()
    assert anonymous.get("/api/v1/tokens").status_code == 401
    assert anonymous.delete(f"/api/v1/tokens/{token.prefix}").status_code == 401
    assert [t["name"] for t in Client().get("/api/v1/tokens", **_bearer(outsider)).json()] == [
        "theirs"
    ]
    assert Client().delete(f"/api/v1/tokens/{token.prefix}", **_bearer(outsider)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_token_endpoints_document_their_schema(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    token_in = components["TokenIn"]["properties"]
    assert token_in["scope"]["enum"] == ["read", "read-write"]
    assert token_in["scope"]["default"] == "read"
    assert {"password", "code", "expires_at", "name"} <= set(token_in)
    created = components["TokenCreated"]
    assert {"scope", "expires_at", "secret"} <= set(created["required"])
    post = schema["paths"]["/api/v1/tokens"]["post"]
    assert {"201", "400", "401", "403", "429"} <= set(post["responses"])
    assert "get" in schema["paths"]["/api/v1/tokens"]
    assert "delete" in schema["paths"]["/api/v1/tokens/{prefix}"]
    listed = components["TokenOut"]
    assert "last_used_at" in listed["properties"]
