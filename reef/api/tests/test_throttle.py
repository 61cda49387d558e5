"""API rate limits: anonymous callers per address, signed-in callers per account."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from reef.accounts.services import api_token_create


@pytest.mark.django_db
def test_anonymous_callers_are_limited_per_address(settings: Any, world: None) -> None:
    settings.REEF_API_ANON_PER_MINUTE = 3
    first = Client(REMOTE_ADDR="192.0.2.10")
    answers = [first.get("/api/v1/countries").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = first.get("/api/v1/countries")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many requests: wait a minute and try again."}
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="192.0.2.11").get("/api/v1/countries").status_code == 200
    # A forged X-Forwarded-For does not buy a new allowance.
    forged = first.get("/api/v1/countries", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forged.status_code == 429


@pytest.mark.django_db
def test_signed_in_callers_are_limited_per_account_not_per_address(
    settings: Any, users: dict[str, Any], world: None
) -> None:
    settings.REEF_API_ANON_PER_MINUTE = 1
    settings.REEF_API_USER_PER_MINUTE = 3
    _, secret = api_token_create(user=users["donor"], name="test")
    auth = {"Authorization": f"Bearer {secret}"}
    client = Client(REMOTE_ADDR="192.0.2.20")
    # The anonymous allowance of this address is spent; the token's is not.
    assert client.get("/api/v1/countries").status_code == 200
    assert client.get("/api/v1/countries").status_code == 429
    assert [client.get("/api/v1/me", headers=auth).status_code for _ in range(3)] == [200] * 3
    # The same account from another address shares the allowance.
    other = Client(REMOTE_ADDR="192.0.2.21")
    assert other.get("/api/v1/me", headers=auth).status_code == 429
    # Another account is not affected.
    _, other_secret = api_token_create(user=users["expert"], name="test")
    assert other.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {other_secret}").status_code == 200


@pytest.mark.django_db
def test_a_refused_request_changes_nothing(
    settings: Any, users: dict[str, Any], world: None
) -> None:
    from reef.accounts.models import ApiToken

    settings.REEF_API_USER_PER_MINUTE = 1
    _, secret = api_token_create(user=users["donor"], name="test")
    auth = {"Authorization": f"Bearer {secret}"}
    client = Client()
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    before = ApiToken.objects.count()
    refused = client.post(
        "/api/v1/tokens", {"name": "more"}, content_type="application/json", headers=auth
    )
    assert refused.status_code == 429
    assert ApiToken.objects.count() == before
